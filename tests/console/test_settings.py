import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3J!x9#pQ2@vL8$wR5^tY1&uI7*oP4(aS6)dF0_gH-jK=lZ+xC",
    "ALLOWED_HOSTS": "console.example.com",
    "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "deploy-check.sqlite3"),
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Without the variables the test run itself sets (the browser tests allow async-unsafe calls).
    unset = ("DJANGO_ENV", "SECRET_KEY", "DEMO_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True,
        timeout=120,
    )


def test_the_production_settings_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_demo_mode_cannot_be_switched_on_in_production():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEMO_MODE)",
                    DEMO_MODE="1", **PRODUCTION_ENV)
    assert result.stdout.strip().splitlines()[-1] == "False"

"""console/settings.py evaluated afresh, in-process, under an environment a test chooses: what
a deployment's variables make of the settings, without starting a Python process per case."""

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "console" / "settings.py"
# What the test run itself sets, or a developer's shell may: a test names what it wants.
CLEARED = (
    "DJANGO_ENV", "SECRET_KEY", "DEBUG", "DEMO_MODE", "ALLOWED_HOSTS", "DATABASE_URL", "CACHE_URL",
    "EMAIL_URL", "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_TIMEOUT",
)
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3J!x9#pQ2@vL8$wR5^tY1&uI7*oP4(aS6)dF0_gH-jK=lZ+xC",
    "ALLOWED_HOSTS": "console.example.com",
}


def settings_evaluated(monkeypatch, **environment: str) -> dict:
    """The settings module's names after evaluating it with only `environment` set of `CLEARED`."""
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))

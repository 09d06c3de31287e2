"""Production ignores DEBUG=1; the documented production environment passes the deployment
checklist; every page carries an enforced Content-Security-Policy."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.console.settings_env import PRODUCTION_ENV, ROOT, settings_evaluated
from tests.factories import MemberFactory

PRODUCTION_DOC = Path(__file__).resolve().parents[3] / "docs" / "production.md"


def test_debug_1_is_ignored_in_production(monkeypatch):
    assert settings_evaluated(monkeypatch, DEBUG="1", **PRODUCTION_ENV)["DEBUG"] is False


def test_debug_1_still_turns_debug_on_in_development(monkeypatch):
    assert settings_evaluated(monkeypatch, DEBUG="1", DJANGO_ENV="development")["DEBUG"] is True


def readme_production_environment() -> dict[str, str]:
    """The variables of the "A production environment, all of it" block of docs/production.md."""
    text = PRODUCTION_DOC.read_text()
    block = re.search(r"A production environment, all of it:\n\n```sh\n(.*?)```", text, re.S).group(1)
    env = {}
    for line in block.splitlines():
        name, _, value = line.partition("=")
        env[name.strip()] = value.split("#")[0].strip()
    return env


def test_the_documented_production_environment_passes_the_deployment_checklist_even_with_debug_1(tmp_path):
    env = readme_production_environment()
    # The page leaves the secret to the reader and names a database server we do not have.
    env.update(SECRET_KEY=PRODUCTION_ENV["SECRET_KEY"], DATABASE_URL=f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}", DEBUG="1")
    # A process of its own: the checks read the settings Django started with. The variables the test
    # run itself sets are left out.
    run_env = {name: value for name, value in os.environ.items() if name not in ("DJANGO_ENV", "SECRET_KEY", "DEMO_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE")}

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT, env={**run_env, **env}, capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("url", [reverse("login"), reverse("packages"), reverse("tickets:submit"), reverse("admin:login")])
def test_pages_carry_an_enforced_content_security_policy_without_inline_scripts(client, url):
    client.force_login(MemberFactory().user)

    response = client.get(url, follow=True)

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.django_db
def test_the_layout_switches_off_htmxs_inline_indicator_style(client):
    response = client.get(reverse("login"))

    config = json.loads(re.search(r"""<meta name="htmx-config" content='([^']*)'>""", response.content.decode()).group(1))
    assert config["includeIndicatorStyles"] is False
    # nor does it copy a style="" attribute when it settles a swapped element (a CSP violation)
    assert "style" not in config["attributesToSettle"]


TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
# What the policy refuses to run or apply: a <script> without src, an on...= handler, a style=""
# attribute or a <style> element (the ones a page may carry are written by {% stylesheet %}, allowed
# by hash), a javascript: address, htmx's hx-on (which evaluates code).
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style\b|javascript:|hx-on", re.IGNORECASE
)


def test_no_template_carries_what_the_policy_refuses():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if INLINE.search(re.sub(r"\{#.*?#\}", "", line))
    ]

    assert found == []

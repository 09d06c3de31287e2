"""What a deployment's environment makes of the settings: production needs its secret and keeps
the demo off."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.console.settings_env import PRODUCTION_ENV, settings_evaluated


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    environment = {name: value for name, value in PRODUCTION_ENV.items() if name != "SECRET_KEY"}

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        settings_evaluated(monkeypatch, **environment)


def test_demo_mode_cannot_be_switched_on_in_production(monkeypatch):
    assert settings_evaluated(monkeypatch, DEMO_MODE="1", **PRODUCTION_ENV)["DEMO_MODE"] is False

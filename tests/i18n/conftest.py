import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from console.packages.models import Package


@pytest.fixture
def seeded(demo_mode, django_capture_on_commit_callbacks):
    """The demo's accounts, people and packages (every branch of the refund policy), in demo mode,
    with the overdue-payment cases the seed bills after its transaction."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)


@pytest.fixture
def client_as():
    """A client signed in as `username` (or anonymous) whose browser asks for `language`."""

    def _client(username: str | None, language: str) -> Client:
        client = Client()
        if username:
            client.force_login(get_user_model().objects.get(username=username))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return _client


def package_pk(code: str) -> int:
    return Package.objects.values_list("pk", flat=True).get(code=code)

"""`manage.py demo` hands a superuser to anyone who can reach it, so it serves on this machine only
unless told otherwise in so many words, and then says so loudly."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from console.management.commands import demo


@pytest.fixture
def commands_run(monkeypatch):
    """What `demo` asks Django to run (migrate, seed_demo, runserver), recorded instead of run."""
    calls = []
    monkeypatch.setattr(demo, "call_command", lambda name, *args, **kwargs: calls.append((name, args)))
    monkeypatch.setenv("DEMO_MODE", "0")
    return calls


@pytest.fixture(autouse=True)
def demo_mode_restored(settings):
    # demo switches DEMO_MODE on, and DEBUG off with the served static storage; set through the
    # settings fixture, they are put back after the test (and the storages rebuilt).
    settings.DEMO_MODE = False
    settings.DEBUG = settings.DEBUG
    settings.STORAGES = settings.STORAGES


@pytest.mark.parametrize("addrport", ["0.0.0.0:8000", "0:8000", "[::]:8000", "10.1.2.3:8000", "console.example.com:80"])
def test_demo_refuses_an_address_other_computers_can_reach(commands_run, addrport):
    with pytest.raises(CommandError, match="--public-demo-i-understand"):
        call_command("demo", addrport)

    assert commands_run == []


@pytest.mark.parametrize("addrport", ["8000", "127.0.0.1:8000", "localhost:8080", "[::1]:8000"])
def test_demo_serves_on_this_machine_without_the_flag(commands_run, addrport):
    call_command("demo", addrport, stdout=StringIO(), stderr=StringIO())

    assert ("runserver", (addrport,)) in commands_run


def test_the_flag_serves_on_a_public_address_with_a_banner_on_stderr(commands_run):
    stderr = StringIO()

    call_command("demo", "0.0.0.0:8000", "--public-demo-i-understand", stdout=StringIO(), stderr=stderr)

    assert ("runserver", ("0.0.0.0:8000",)) in commands_run
    banner = stderr.getvalue()
    assert "PUBLIC DEMO on 0.0.0.0:8000" in banner
    assert "STAFF SUPERUSER" in banner


def test_on_this_machine_there_is_no_banner(commands_run):
    stderr = StringIO()

    call_command("demo", "127.0.0.1:8000", stdout=StringIO(), stderr=stderr)

    assert stderr.getvalue() == ""


def test_demo_collects_its_static_files_before_it_serves(commands_run):
    call_command("demo", "127.0.0.1:8000", stdout=StringIO(), stderr=StringIO())

    names = [name for name, _ in commands_run]
    assert names.index("collectstatic") < names.index("runserver")


def test_demo_serves_without_debug_pages_and_with_content_named_static_files(commands_run, settings):
    call_command("demo", "127.0.0.1:8000", stdout=StringIO(), stderr=StringIO())

    assert settings.DEBUG is False
    assert settings.STORAGES["staticfiles"] == settings.SERVED_STATICFILES_STORAGE

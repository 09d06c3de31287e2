"""Production mail reaches the SMTP server the environment names: the settings module reads
EMAIL_URL or the separate EMAIL_* variables, and the outbox sends through them."""

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from console.notifications.models import OutboxMessage
from console.notifications.services import mail_queue
from tests.console.settings_env import PRODUCTION_ENV, settings_evaluated


def settings_module(monkeypatch, **environment: str) -> dict:
    """console/settings.py evaluated afresh in a production environment plus `environment`."""
    return settings_evaluated(monkeypatch, **{**PRODUCTION_ENV, **environment})


class Inbox:
    """An SMTP server's handler: keeps what it received and who logged in to send it."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.logins: list[tuple[bytes, bytes]] = []

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(),
        authenticator=inbox.authenticate, auth_require_tls=False,
    )
    controller.start()
    yield controller, inbox
    controller.stop()


def send_receipt_with(settings, mail_settings: dict, django_capture_on_commit_callbacks) -> OutboxMessage:
    """Queue a receipt in the outbox and let it go as production sends it (the task after commit)."""
    for name, value in mail_settings.items():
        if name.startswith("EMAIL_"):
            setattr(settings, name, value)
    with django_capture_on_commit_callbacks(execute=True):
        message = mail_queue(key="refund-receipt:1", to="payer@example.com", subject="Refund receipt", body="USD 3.88")
    message.refresh_from_db()
    return message


@pytest.mark.django_db
def test_a_receipt_reaches_the_smtp_server_the_email_variables_name(
    monkeypatch, settings, smtp_server, django_capture_on_commit_callbacks
):
    controller, inbox = smtp_server
    mail_settings = settings_module(
        monkeypatch, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(controller.port),
        EMAIL_HOST_USER="console", EMAIL_HOST_PASSWORD="s3cret", EMAIL_TIMEOUT="5",
    )

    message = send_receipt_with(settings, mail_settings, django_capture_on_commit_callbacks)

    assert message.sent_at is not None, message.last_error
    assert len(inbox.messages) == 1 and b"Subject: Refund receipt" in inbox.messages[0]
    assert inbox.logins == [(b"console", b"s3cret")]


@pytest.mark.django_db
def test_a_receipt_reaches_the_smtp_server_email_url_names(
    monkeypatch, settings, smtp_server, django_capture_on_commit_callbacks
):
    controller, inbox = smtp_server
    mail_settings = settings_module(monkeypatch, EMAIL_URL=f"smtp://console:s3cret@127.0.0.1:{controller.port}")

    message = send_receipt_with(settings, mail_settings, django_capture_on_commit_callbacks)

    assert message.sent_at is not None, message.last_error
    assert len(inbox.messages) == 1
    assert inbox.logins == [(b"console", b"s3cret")]


def test_email_url_with_starttls_sets_host_port_credentials_and_tls(monkeypatch):
    mail_settings = settings_module(monkeypatch, EMAIL_URL="smtp+tls://mailer:p%40ss@smtp.example.com:587")

    assert {name: mail_settings[name] for name in (
        "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL",
    )} == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


def test_email_use_ssl_and_timeout_are_read_from_the_environment(monkeypatch):
    mail_settings = settings_module(monkeypatch, EMAIL_USE_SSL="true", EMAIL_PORT="465", EMAIL_TIMEOUT="7")

    assert (mail_settings["EMAIL_USE_SSL"], mail_settings["EMAIL_PORT"], mail_settings["EMAIL_TIMEOUT"]) == (True, 465, 7)


def test_without_mail_variables_production_sends_by_smtp_with_a_timeout(monkeypatch):
    mail_settings = settings_module(monkeypatch)

    assert mail_settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mail_settings["EMAIL_TIMEOUT"] == 30

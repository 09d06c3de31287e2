"""Mail backends for the tests: one whose server is down."""

from django.core.mail.backends.base import BaseEmailBackend


class ServerDownBackend(BaseEmailBackend):
    """Every send fails as an unreachable SMTP server does."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")

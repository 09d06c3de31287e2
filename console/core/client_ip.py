"""The client's address, for login throttling (django-axes calls `client_ip`)."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind `TRUSTED_PROXY_COUNT` reverse proxies the address the outermost of
    them saw, i.e. that many entries from the right of X-Forwarded-For. Entries further left were
    written by the client and could name anyone, so they are never believed."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies <= 0 or len(forwarded) < proxies:
        return request.META.get("REMOTE_ADDR", "")
    return forwarded[-proxies]

"""Project-wide HTTP rules for the signed-in console: pages are never cached, and an htmx request
that meets the login page sends the whole browser there instead of drawing it inside the page."""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme


class NoStoreMiddleware:
    """Pages show balances and what may be refunded right now; a copy from the browser's cache
    (the Back button) would show money that has moved and buttons that no longer work. Every
    response to a signed-in user is marked `no-store`, `private`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Static files never get here: WhiteNoise answers them further up.
        if user is not None and user.is_authenticated:
            # Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private
            add_never_cache_headers(response)
        return response


class HtmxLoginRedirectMiddleware:
    """A signed-out htmx request (the session expired while the page was open) is redirected to
    the login page by `login_required`. htmx would follow that redirect and draw the login form
    inside the table or the dialog. Answer 401 with `HX-Redirect` instead: the browser goes to the
    login page, which says the session expired, and comes back to the page the person was on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or response.status_code not in (301, 302, 303, 307, 308):
            return response
        login_path = urlsplit(resolve_url(settings.LOGIN_URL)).path
        if urlsplit(response.get("Location", "")).path != login_path:
            return response
        answer = HttpResponse(status=401)
        answer["HX-Redirect"] = f"{login_path}?{urlencode({'expired': '1', 'next': _page_behind(request)})}"
        return answer


def _page_behind(request: HttpRequest) -> str:
    """The page the htmx request came from (HX-Current-URL), as a local path; else the request's own."""
    current = request.headers.get("HX-Current-URL", "")
    if current and url_has_allowed_host_and_scheme(current, allowed_hosts={request.get_host()}):
        parts = urlsplit(current)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()

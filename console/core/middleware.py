"""Request-wide middleware: the demo clock's pin, and the guards that answer malformed or
oversized requests with a clear 4xx before anything reads them."""

from urllib.parse import unquote_plus

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from csp.middleware import CSPMiddleware, PolicyParts

from console.core import clock
from console.core.inline_styles import page_style_hashes


class ClockMiddleware:
    """Pins the demo clock's offset for the length of one request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = clock.pin_request_offset()
        try:
            return self.get_response(request)
        finally:
            clock.unpin(token)


def refusal_page(*, status: int, title: str, message: str) -> HttpResponse:
    """A small page of its own. It is drawn without the request (no session, no user, no
    database), because the request it answers is the one that cannot be trusted to load them."""
    body = render_to_string("core/refusal.html", {"title": title, "message": message, "status": status})
    return HttpResponse(body, status=status)


class RequestGuardMiddleware:
    """Answers, before the body, the session or the database are touched:

    - 413 when the declared body is larger than the view accepts (`REQUEST_MAX_BYTES`, or the
      view's own cap in `REQUEST_MAX_BYTES_BY_VIEW`), so a 200 MB upload is never read;
    - 400 when a NUL character is in the path, the query string, a cookie, or a form field or
      file name (PostgreSQL refuses NUL in text, and no honest request carries one).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self._too_large(request) or self._nul(request)
        return refusal or self.get_response(request)

    def _too_large(self, request) -> HttpResponse | None:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            return refusal_page(status=400, title="Bad request", message="The request's Content-Length is not a number.")
        if length <= settings.REQUEST_MAX_BYTES:
            return None
        limit = self._limit_for(request.path_info)
        if length <= limit:
            return None
        return refusal_page(
            status=413,
            title="Too large",
            message=f"The request is {_megabytes(length)} and this page accepts at most {_megabytes(limit)}. "
            "Attach fewer or smaller files.",
        )

    @staticmethod
    def _limit_for(path: str) -> int:
        try:
            match = resolve(path)
        except Resolver404:
            return settings.REQUEST_MAX_BYTES
        return settings.REQUEST_MAX_BYTES_BY_VIEW.get(match.view_name, settings.REQUEST_MAX_BYTES)

    @staticmethod
    def _nul(request) -> HttpResponse | None:
        places = [request.path_info, unquote_plus(request.META.get("QUERY_STRING", ""))]
        places += [part for item in request.COOKIES.items() for part in item]
        if request.method == "POST":
            places += list(request.POST.keys())
            places += [value for _, values in request.POST.lists() for value in values]
            places += [file.name or "" for _, files in request.FILES.lists() for file in files]
            places += list(request.FILES.keys())
        if not any("\x00" in place for place in places):
            return None
        return refusal_page(
            status=400, title="Bad request", message="The address or the form contains a NUL character, which is never valid here."
        )


class AdminSelectionMiddleware:
    """An admin list action posted with a selection that is not an ID of that model (e.g.
    `_selected_action=abc`) is answered 400, instead of failing inside the action's query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Django's admin marks each of a ModelAdmin's views with the ModelAdmin that serves it.
        model_admin = getattr(view_func, "model_admin", None)
        if model_admin is None or request.method != "POST" or "_selected_action" not in request.POST:
            return None
        primary_key = model_admin.model._meta.pk
        try:
            for value in request.POST.getlist("_selected_action"):
                primary_key.to_python(value)
        except ValidationError:
            return refusal_page(
                status=400, title="Bad request", message="The selection is not a list of IDs. Go back to the list and select again."
            )
        return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy, with `style-src` naming the hashes of the stylesheets this page carries
    inline (console.core.inline_styles) and no others."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        hashes = page_style_hashes(request)
        if hashes:
            update = dict(parts.update or {})
            update["style-src"] = [*update.get("style-src", ()), *hashes]
            parts.update = update
        return parts

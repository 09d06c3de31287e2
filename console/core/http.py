"""Where service refusals and finished dialogs meet HTTP."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import reswap, trigger_client_event
from django_htmx.middleware import HtmxDetails

from console.core.errors import ServiceError

# Fired on the page after a dialog changed packages or balances; the package table and the
# balances listen for it (`hx-trigger="packagesChanged from:body"`) and fetch themselves again.
PACKAGES_CHANGED = "packagesChanged"


def page_part(htmx: HtmxDetails, *, target: str, part: str, otherwise: str) -> str:
    """Which part of a page an htmx request wants (a template partial's "#name"): `part` when it
    targets the element `target` (a region that fetches itself again after a dialog), else
    `otherwise` (the region its own links and filters swap); "" for a full load or a history
    restore after a cache miss, which want the whole page."""
    if not htmx or htmx.history_restore_request:
        return ""
    return part if htmx.target == target else otherwise


def dialog_done(request: HttpRequest, *, message: str, fallback_url: str, event: str = PACKAGES_CHANGED) -> HttpResponse:
    """A dialog's action succeeded. With htmx: no content, only events (close the dialog, show
    `message`, tell the page to refresh); without JavaScript: back to `fallback_url`."""
    if not request.htmx:
        messages.success(request, message)
        return redirect(fallback_url)
    response = HttpResponse(status=204)
    # htmx fires these on the dialog's form in this order; closing the dialog removes the form,
    # so it goes last, or the other events would not bubble up to the page.
    trigger_client_event(response, event)
    trigger_client_event(response, "toast", {"message": message})
    trigger_client_event(response, "closeDialog")
    return response


class ServiceErrorMiddleware:
    """The one mapping of an unhandled refusal to HTTP: its status (4xx, never 500) and its
    message, as a toast for htmx requests or as the error page otherwise. Views that show the
    refusal beside a form catch it themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ServiceError):
            return None
        if getattr(request, "htmx", False):
            response = reswap(HttpResponse(status=exception.http_status), "none")
            trigger_client_event(response, "toast", {"message": exception.message, "level": "error"})
            return response
        context = {"title": str(exception.title), "message": exception.message, "code": exception.code}
        return render(request, "error.html", context, status=exception.http_status)

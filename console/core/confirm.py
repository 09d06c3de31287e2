"""A confirmation step before an action that cannot be taken back (delete a key, close a ticket).

The action's button opens the step: with htmx it fetches the step as a modal `<dialog>` appended
to `<body>` (console.js opens it: no inline script); without JavaScript it is a page. The step
says what will happen and what cannot be undone, and posts back to the same address with
`confirmed=yes`. A POST without it (a stale form, a script, a button pressed on an old page)
changes nothing and shows the step again.
"""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED_FIELD = "confirmed"
TEMPLATE = "console/confirm.html"


@dataclass(frozen=True)
class Confirmation:
    title: str  # "Delete API key AKID…?"
    what_happens: str  # what the action does, at once
    cannot_undo: str  # what cannot be undone afterwards, said plainly
    confirm_label: str  # the button that acts: "Delete"
    back_url: str  # where Cancel leads without JavaScript
    danger: bool = True


def confirmed(request: HttpRequest) -> bool:
    """Whether this request is the confirmed POST of a confirmation step."""
    return request.method == "POST" and request.POST.get(CONFIRMED_FIELD) == "yes"


def confirmation_page(request: HttpRequest, confirmation: Confirmation) -> HttpResponse:
    """The step itself: the dialog for htmx, the page otherwise; it posts to the current address."""
    template = f"{TEMPLATE}#dialog" if getattr(request, "htmx", False) else TEMPLATE
    context = {"confirmation": confirmation, "action_url": request.path, "confirmed_field": CONFIRMED_FIELD}
    return render(request, template, context)

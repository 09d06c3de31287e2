"""The ticket status map: which status may follow which, and the reopen window. Pure rules.

Every status change goes through `tickets.services` which asks `check` first; nothing else
writes `Ticket.status`.
"""

from datetime import datetime, timedelta

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("ticket status", "Open")
    PROCESSING = "processing", gettext_lazy("Processing")
    AWAITING_CUSTOMER = "awaiting_customer", gettext_lazy("Awaiting customer")
    RESOLVED = "resolved", gettext_lazy("Resolved")
    CLOSED = "closed", gettext_lazy("Closed")


class Resolution(models.TextChoices):
    """How a resolved ticket ended; set together with the RESOLVED status, cleared on reopening."""

    NONE = "", "-"
    REFUNDED = "refunded", gettext_lazy("Refund approved")
    REJECTED = "rejected", gettext_lazy("Rejected")
    # Most tickets are questions: staff resolve them with an answer, no refund involved.
    ANSWERED = "answered", gettext_lazy("Answered")


# Statuses in which staff still owe the customer something: the service level's clock runs.
ACTIVE = (Status.OPEN, Status.PROCESSING, Status.AWAITING_CUSTOMER)


# What the customer and staff see for (status, resolution): a rejected request must not read
# like a success. The CSS class picks the badge's colour.
BADGES: dict[tuple[str, str], tuple[str, str]] = {
    (Status.RESOLVED, Resolution.REFUNDED): (gettext_lazy("Resolved: refunded"), "ticket-resolved"),
    (Status.RESOLVED, Resolution.REJECTED): (gettext_lazy("Rejected"), "ticket-rejected"),
    (Status.CLOSED, Resolution.REJECTED): (gettext_lazy("Closed: rejected"), "ticket-closed"),
    (Status.CLOSED, Resolution.REFUNDED): (gettext_lazy("Closed: refunded"), "ticket-closed"),
    (Status.RESOLVED, Resolution.ANSWERED): (gettext_lazy("Resolved: answered"), "ticket-resolved"),
    (Status.CLOSED, Resolution.ANSWERED): (gettext_lazy("Closed: answered"), "ticket-closed"),
}


def badge(status: str, resolution: str = "") -> tuple[str, str]:
    """(label, css class) of the ticket's status badge."""
    found = BADGES.get((status, resolution or ""))
    if found:
        return str(found[0]), found[1]
    return str(Status(status).label), f"ticket-{status}"


FLOW: dict[Status, frozenset[Status]] = {
    Status.OPEN: frozenset({Status.PROCESSING, Status.AWAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED}),
    Status.PROCESSING: frozenset({Status.AWAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED}),
    Status.AWAITING_CUSTOMER: frozenset({Status.PROCESSING, Status.RESOLVED, Status.CLOSED}),
    # Back to processing is a reopen, and only inside the reopen window.
    Status.RESOLVED: frozenset({Status.PROCESSING, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


# The review desk's decisions each status still allows. A resolved ticket takes a reply (the
# customer reads it) but no new decision; a closed one takes nothing. "resolve" is resolving with
# an answer (no refund), "priority" changing the urgency (and with it the due times).
STAFF_ACTIONS: dict[Status, frozenset[str]] = {
    Status.OPEN: frozenset({"assign", "reply", "resolve", "priority", "reject", "approve"}),
    Status.PROCESSING: frozenset({"assign", "reply", "resolve", "priority", "reject", "approve"}),
    Status.AWAITING_CUSTOMER: frozenset({"assign", "reply", "resolve", "priority", "reject", "approve"}),
    Status.RESOLVED: frozenset({"reply"}),
    Status.CLOSED: frozenset(),
}


def staff_actions(status: str) -> frozenset[str]:
    return STAFF_ACTIONS[Status(status)]


class TransitionRefused(Exception):
    pass


def reopen_deadline(resolved_at: datetime, *, window_days: int) -> datetime:
    return resolved_at + timedelta(days=window_days)


def may_reopen(*, status: str, resolved_at: datetime | None, now: datetime, window_days: int) -> bool:
    return (
        status == Status.RESOLVED
        and resolved_at is not None
        and now <= reopen_deadline(resolved_at, window_days=window_days)
    )


def check(
    *, current: str, target: str, resolved_at: datetime | None, now: datetime, window_days: int
) -> None:
    """Raise TransitionRefused, with a message for people, unless `current` may become `target`."""
    current, target = Status(current), Status(target)
    if current == Status.CLOSED:
        raise TransitionRefused(_("This ticket is closed. Submit a new ticket if you still need help."))
    if target not in FLOW[current]:
        raise TransitionRefused(
            _("A ticket that is %(current)s cannot become %(target)s.")
            % {"current": current.label.lower(), "target": target.label.lower()}
        )
    if current == Status.RESOLVED and target == Status.PROCESSING and not may_reopen(
        status=current, resolved_at=resolved_at, now=now, window_days=window_days
    ):
        raise TransitionRefused(
            _("A resolved ticket can be reopened for %(days)s days. Submit a new ticket instead.") % {"days": window_days}
        )

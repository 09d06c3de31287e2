"""The ticket status map: which status may follow which, and the reopen window. Pure rules.

Every status change goes through `tickets.services` which asks `check` first; nothing else
writes `Ticket.status`.
"""

from datetime import datetime, timedelta

from django.db import models


class Status(models.TextChoices):
    OPEN = "open", "Open"
    PROCESSING = "processing", "Processing"
    AWAITING_CUSTOMER = "awaiting_customer", "Awaiting customer"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class Resolution(models.TextChoices):
    """How a resolved ticket ended; set together with the RESOLVED status, cleared on reopening."""

    NONE = "", "-"
    REFUNDED = "refunded", "Refund approved"
    REJECTED = "rejected", "Rejected"


# What the customer and staff see for (status, resolution): a rejected request must not read
# like a success. The CSS class picks the badge's colour.
BADGES: dict[tuple[str, str], tuple[str, str]] = {
    (Status.RESOLVED, Resolution.REFUNDED): ("Resolved: refunded", "ticket-resolved"),
    (Status.RESOLVED, Resolution.REJECTED): ("Rejected", "ticket-rejected"),
    (Status.CLOSED, Resolution.REJECTED): ("Closed: rejected", "ticket-closed"),
    (Status.CLOSED, Resolution.REFUNDED): ("Closed: refunded", "ticket-closed"),
}


def badge(status: str, resolution: str = "") -> tuple[str, str]:
    """(label, css class) of the ticket's status badge."""
    found = BADGES.get((status, resolution or ""))
    if found:
        return found
    return Status(status).label, f"ticket-{status}"


FLOW: dict[Status, frozenset[Status]] = {
    Status.OPEN: frozenset({Status.PROCESSING, Status.AWAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED}),
    Status.PROCESSING: frozenset({Status.AWAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED}),
    Status.AWAITING_CUSTOMER: frozenset({Status.PROCESSING, Status.RESOLVED, Status.CLOSED}),
    # Back to processing is a reopen, and only inside the reopen window.
    Status.RESOLVED: frozenset({Status.PROCESSING, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


# The review desk's decisions each status still allows. A resolved ticket takes a reply (the
# customer reads it) but no new decision; a closed one takes nothing.
STAFF_ACTIONS: dict[Status, frozenset[str]] = {
    Status.OPEN: frozenset({"assign", "reply", "reject", "approve"}),
    Status.PROCESSING: frozenset({"assign", "reply", "reject", "approve"}),
    Status.AWAITING_CUSTOMER: frozenset({"assign", "reply", "reject", "approve"}),
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
        raise TransitionRefused("This ticket is closed. Submit a new ticket if you still need help.")
    if target not in FLOW[current]:
        raise TransitionRefused(f"A ticket that is {current.label.lower()} cannot become {target.label.lower()}.")
    if current == Status.RESOLVED and target == Status.PROCESSING and not may_reopen(
        status=current, resolved_at=resolved_at, now=now, window_days=window_days
    ):
        raise TransitionRefused(
            f"A resolved ticket can be reopened for {window_days} days. Submit a new ticket instead."
        )

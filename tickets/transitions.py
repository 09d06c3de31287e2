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


FLOW: dict[Status, frozenset[Status]] = {
    Status.OPEN: frozenset({Status.PROCESSING, Status.AWAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED}),
    Status.PROCESSING: frozenset({Status.AWAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED}),
    Status.AWAITING_CUSTOMER: frozenset({Status.PROCESSING, Status.RESOLVED, Status.CLOSED}),
    # Back to processing is a reopen, and only inside the reopen window.
    Status.RESOLVED: frozenset({Status.PROCESSING, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


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

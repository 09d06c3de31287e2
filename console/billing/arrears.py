"""The overdue-payment lifecycle: one state machine, in one module.

    active ──owed > 0──▶ in arrears ──24 h pass, still owed──▶ suspended for overdue payment
       ▲                    │                                     │          │
       └──── owed settled ──┴─────────────────────────────────────┘   60 days suspended
       ▲                                                                     ▼
       └──────────────────────────── owed settled ──────────────────── repossessed

(Tencent Cloud CSS, "Processing for Overdue Payments": a notice at once, 24 hours to top up,
suspension even with packages left, repossession after 60 days suspended, warned 7 days and 1 day
before; the repossession reclaims the packages left, `packages_reclaim_locked`.) A suspension for
violating the rules is staff's, not this machine's: money never lifts it and this machine never
replaces it.

`standing_next` is the rule: plain values in, the next step (or None) out, no database. The
writers take the account row locked (`console.packages.locks`) and apply steps until none is left:
`standing_apply_locked` inside a caller's transaction (the billing batch, a top-up, a refund), and
`standing_sweep` for the clock's part (deadlines and repossession), run by Celery beat. Each step
is audited and told to the areas above (notices) through `console.billing.hooks`, inside the same
transaction, so a step and its notice commit together or not at all. Idempotent: a step is only
taken from the state it leaves, under the lock, so running twice changes nothing twice.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from console.accounts.models import Account, AccountStatus
from console.billing.hooks import StandingChange, standing_changed
from console.core import clock
from console.core.audit import AuditAction, audit_record
from console.packages.locks import account_lock
from console.packages.services import packages_reclaim_locked

S = AccountStatus
GRACE = timedelta(hours=24)
REPOSSESS_AFTER = timedelta(days=60)
# Warnings before repossession, in days before it, the earliest first.
WARN_DAYS = (7, 1)

# The allowed transitions, and the only ones (a warning keeps the state).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.ACTIVE: frozenset({S.IN_ARREARS}),
    S.IN_ARREARS: frozenset({S.ACTIVE, S.SUSPENDED_OVERDUE}),
    S.SUSPENDED_OVERDUE: frozenset({S.ACTIVE, S.REPOSSESSED}),
    S.REPOSSESSED: frozenset({S.ACTIVE}),
    S.SUSPENDED_VIOLATION: frozenset(),
}
OVERDUE_STATES = (S.IN_ARREARS, S.SUSPENDED_OVERDUE, S.REPOSSESSED)


class Event:
    """What a step means, for the audit trail and the notices."""

    ARREARS = "arrears"  # notice with the deadline
    SETTLED = "settled"  # paid within the 24 hours: never suspended
    SUSPENDED = "suspended"
    LIFTED = "lifted"  # the overdue suspension lifted by a payment
    WARNING = "repossession_warning"
    REPOSSESSED = "repossessed"


@dataclass(frozen=True, slots=True)
class Step:
    event: str
    status: str
    since: datetime | None
    deadline: datetime | None
    warned: int | None


def repossession_at(since: datetime) -> datetime:
    return since + REPOSSESS_AFTER


def standing_next(
    *, status: str, owed: Decimal, since: datetime | None, deadline: datetime | None, warned: int | None, now: datetime
) -> Step | None:
    """The one rule. None when nothing is due."""
    if status == S.SUSPENDED_VIOLATION:
        return None
    if owed <= 0:
        if status == S.IN_ARREARS:
            return Step(Event.SETTLED, S.ACTIVE, now, None, None)
        if status in (S.SUSPENDED_OVERDUE, S.REPOSSESSED):
            return Step(Event.LIFTED, S.ACTIVE, now, None, None)
        return None
    if status == S.ACTIVE:
        return Step(Event.ARREARS, S.IN_ARREARS, now, now + GRACE, None)
    if status == S.IN_ARREARS and deadline is not None and now >= deadline:
        # Suspended as of the deadline, even when the sweep runs late: the 60 days count from it.
        return Step(Event.SUSPENDED, S.SUSPENDED_OVERDUE, deadline, None, None)
    if status == S.SUSPENDED_OVERDUE and since is not None:
        due = repossession_at(since)
        if now >= due:
            return Step(Event.REPOSSESSED, S.REPOSSESSED, due, None, None)
        for days in reversed(WARN_DAYS):  # the latest warning due, once
            if now >= due - timedelta(days=days):
                if warned is None or warned > days:
                    return Step(Event.WARNING, S.SUSPENDED_OVERDUE, since, None, days)
                break
    return None


def standing_apply_locked(account: Account, *, now: datetime | None = None, actor=None, cause: str = "") -> list[StandingChange]:
    """Take every step due for `account`, whose row the caller holds locked in its transaction.
    Returns the changes made (audited, and told to the notice watchers)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("standing_apply_locked must run inside transaction.atomic()")
    now = now or clock.now()
    changes = []
    for _ in range(len(TRANSITIONS) + len(WARN_DAYS)):
        step = standing_next(
            status=account.status, owed=account.owed_balance, since=account.standing_since,
            deadline=account.arrears_deadline, warned=account.repossession_warned, now=now,
        )
        if step is None:
            break
        before = _facts(account)
        if step.status != account.status and step.status not in TRANSITIONS[account.status]:
            raise RuntimeError(f"{account.status} -> {step.status} is not a transition")  # pragma: no cover
        account.status, account.standing_since = step.status, step.since
        account.arrears_deadline, account.repossession_warned = step.deadline, step.warned
        account.save(update_fields=["status", "standing_since", "arrears_deadline", "repossession_warned"])
        audit_record(
            actor=actor,
            action=AuditAction.ACCOUNT_REPOSSESSION_WARNED if step.event == Event.WARNING else AuditAction.ACCOUNT_STANDING_CHANGED,
            obj=account, account=account, before=before, after=_facts(account),
            verdict={"event": step.event, "owed": str(account.owed_balance)}, note=cause,
        )
        if step.event == Event.REPOSSESSED:
            # In the same transaction, under the same account lock: the packages left as of the
            # repossession are reclaimed with it, or neither happens. A later top-up lifts the
            # repossession but gives nothing back.
            packages_reclaim_locked(account=account, at=step.since, actor=actor, cause=cause or "repossessed")
        change = StandingChange(
            account_id=account.pk, event=step.event, status=step.status, owed=account.owed_balance,
            deadline=step.deadline, repossession_at=repossession_at(step.since) if step.status == S.SUSPENDED_OVERDUE else None,
            warned_days=step.warned, at=now,
        )
        standing_changed(change)
        changes.append(change)
    return changes


def _facts(account: Account) -> dict:
    return {
        "status": account.status, "owed": str(account.owed_balance), "since": account.standing_since,
        "deadline": account.arrears_deadline, "warned": account.repossession_warned,
    }


def sweep_candidates(*, now: datetime) -> list[int]:
    """Accounts with something possibly due (decided again under each lock)."""
    due = (
        Q(status=S.ACTIVE, owed_balance__gt=0)
        | Q(status__in=OVERDUE_STATES, owed_balance=0)
        | Q(status=S.IN_ARREARS, arrears_deadline__lte=now)
        | Q(status=S.SUSPENDED_OVERDUE, standing_since__lte=now - REPOSSESS_AFTER + timedelta(days=max(WARN_DAYS)))
    )
    return list(Account.objects.filter(due).order_by("pk").values_list("pk", flat=True))


def standing_sweep(*, now: datetime | None = None) -> int:
    """The clock's part: every account whose deadline passed, whose repossession is near or due,
    or whose standing no longer matches what it owes. One short transaction per account (its row
    locked, as every writer locks it). Returns the number of changes. Celery beat runs it."""
    now = now or clock.now()
    changed = 0
    for account_id in sweep_candidates(now=now):
        with transaction.atomic(durable=True):
            try:
                account = account_lock(account_id)
            except Account.DoesNotExist:
                continue
            changed += len(standing_apply_locked(account, now=now, cause="sweep"))
    return changed


def standing_refresh(*, account_id: int, actor=None, cause: str = "") -> list[StandingChange]:
    """Bring one account's standing up to date now (the presenter's clock, a shard's accounts)."""
    with transaction.atomic(durable=True):
        return standing_apply_locked(account_lock(account_id), actor=actor, cause=cause)

"""Billing-mode changes: the one path by which an account's CSS billing mode changes.

`billing_mode_change` serves the console's Billing mode panel and the admin alike. Under the
account's lock (`console.packages.locks`) it reads the history and whether the account has
traffic usage today, asks the pure rule (`console.billing.modes.change_decide`), appends a
`BillingModeChange`, writes what `Account` keeps of the history (derived from the whole history,
so they never disagree) and audits the decision. Two requests at once queue on the lock; the second finds the
first's row and is refused ("again tomorrow"), and the database's one-row-a-day constraint holds
it even without the lock.
"""

from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from console.accounts.models import Account, Member
from console.accounts.permissions import MemberAction, member_require, staff_require_billing_mode
from console.billing.models import BillingModeChange, BillingModeChannel
from console.billing.modes import REFUSAL_MESSAGES, account_modes, change_decide, pending_of
from console.billing.selectors import billing_mode_history, usage_the_mode_bills
from console.core import clock
from console.core.audit import AuditAction, actor_label, audit_record
from console.core.errors import Conflict, NotFound
from console.packages.locks import account_lock


class BillingModeRefused(Conflict):
    """The billing-mode rule refused the request (its `Refusal` is the code)."""

    code = "billing_mode_refused"


def billing_mode_change(
    *, account_id: int, mode: str, actor: AbstractBaseUser, member: Member | None = None,
    channel: BillingModeChannel = BillingModeChannel.CONSOLE, at: datetime | None = None,
) -> BillingModeChange:
    """Ask for `account_id` to be billed in `mode`: from the console `member` (owner, or a
    sub-user allowed `live:ModifyBillingMode`), from the admin a staff `actor`. Returns the row
    appended (its `effective_on` says when it takes effect); refuses with `BillingModeRefused`.
    `at` only for the demo seed (a request made yesterday), decided by the same rule as of then."""
    staff = channel == BillingModeChannel.ADMIN
    if staff:
        staff_require_billing_mode(actor)
    else:
        if member is None or member.account_id != account_id:
            raise NotFound()
        member_require(member, MemberAction.MODIFY_BILLING_MODE)
    now = at or clock.now()
    today = now.astimezone(clock.billing_zone()).date()
    with transaction.atomic(durable=True):
        account = _locked(account_id)
        rows = billing_mode_history(account_id)
        modes = account_modes([row.rule_row for row in rows], default=account.billing_mode)
        in_force = account.billing_mode_on(today)
        pending = pending_of(modes=modes, today=today)
        usage_today = usage_the_mode_bills(today).filter(account_id=account_id).exists()
        decision = change_decide(
            today=today, in_force=in_force, pending=pending, last_asked_on=_last_asked_on(rows), requested=mode,
            usage_today=usage_today, staff=staff,
        )
        if not decision.allowed:
            raise BillingModeRefused(REFUSAL_MESSAGES[decision.refusal], code=decision.refusal.value)
        change = BillingModeChange.objects.create(
            account_id=account_id, asked_at=now, asked_on=today, asked_by=actor if actor.pk else None,
            asked_by_label=actor_label(actor), channel=channel, from_mode=in_force, to_mode=mode,
            effective_on=decision.effective_on, usage_that_day=usage_today,
            cancels_pending=decision.cancels_pending,
        )
        derived = account_modes([row.rule_row for row in rows] + [change.rule_row], default=account.billing_mode)
        Account.objects.filter(pk=account_id).update(
            billing_mode=derived.billing_mode, billing_mode_next=derived.next_mode, billing_mode_next_from=derived.next_from,
        )
        audit_record(
            actor=actor, action=AuditAction.BILLING_MODE_CHANGE_REQUESTED, obj=change, account=account,
            before={"in_force": in_force, "pending": pending and {"mode": pending.mode, "from": pending.effective_on.isoformat()}},
            after={"mode": mode, "from": decision.effective_on.isoformat()},
            verdict={"cancels_pending": decision.cancels_pending, "usage_today": change.usage_that_day, "channel": channel},
        )
    return change


def _locked(account_id: int) -> Account:
    try:
        return account_lock(account_id)
    except Account.DoesNotExist:
        raise NotFound() from None


def _last_asked_on(rows: list[BillingModeChange]) -> date | None:
    asked = [row.asked_on for row in rows if row.channel != BillingModeChannel.HISTORY_START]
    return max(asked, default=None)

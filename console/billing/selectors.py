"""Reads for the billing pages and checks: an account's daily bills, stale billing marks, the
billing mode on a day and the state of an account's billing-mode changes."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from console.accounts.models import Account, BillingMode, billing_mark_cutoff
from console.billing.models import BillingModeChange, BillingModeChannel, DailyBill, UsageRecord
from console.billing.modes import CUSTOMER_MODES, AccountModes, ChangeDecision, Pending, change_decide, pending_of
from console.packages.models import PackageKind


def recent_bills(account: Account, *, limit: int = 14) -> list[DailyBill]:
    return list(DailyBill.objects.filter(account=account).order_by("-day")[:limit])


def stale_billing_marks(*, now: datetime) -> QuerySet[Account]:
    """Accounts still marked "billing in progress" by a batch that died before it could clear them."""
    return Account.objects.filter(billing_started_at__lt=billing_mark_cutoff(now=now)).order_by("pk")


def billing_mode_history(account_id: int) -> list[BillingModeChange]:
    """An account's billing-mode rows, oldest first (a handful: one a day at most)."""
    return list(BillingModeChange.objects.filter(account_id=account_id).order_by("effective_on", "id"))


def usage_the_mode_bills(day: date) -> QuerySet[UsageRecord]:
    """Usage recorded for billing day `day` that the billing mode bills: traffic (transcoding is
    billed alike in every mode, so it does not hold a change back)."""
    return UsageRecord.objects.filter(day=day, package_kind=PackageKind.TRAFFIC)


def billing_mode_on_day(day: date):
    """The billing mode in force on `day` for each account of a queryset, as an expression: the
    `to_mode` of the latest change taking effect by then, else the `from_mode` of the first, else
    the account's own (`console.billing.modes.mode_on` in SQL; an index probe each)."""
    changes = BillingModeChange.objects.filter(account=OuterRef("pk"))
    return Coalesce(
        Subquery(changes.filter(effective_on__lte=day).order_by("-effective_on", "-id").values("to_mode")[:1]),
        Subquery(changes.order_by("effective_on", "id").values("from_mode")[:1]),
        F("billing_mode"),
    )


@dataclass(frozen=True)
class LatestRequest:
    """The account's latest billing-mode request: who asked, and when."""

    asked_at: datetime
    asked_on: date
    asked_by_label: str


@dataclass(frozen=True)
class BillingModeState:
    """An account's billing mode as the panel shows it: the mode in force today, the change pending
    (if any), the latest request, and what asking for the other customer mode would do now."""

    in_force: str
    pending: Pending | None
    latest: LatestRequest | None
    # The other daily mode (or the mode in force, to cancel a pending change), and the rule's answer.
    target: str
    decision: ChangeDecision


def billing_mode_state(account: Account, *, today: date) -> BillingModeState:
    """One query (the latest request and whether there is usage the mode bills today); the mode
    in force and the pending change are the account's own fields, kept from the history by the
    service."""
    asked = (
        BillingModeChange.objects.filter(account=OuterRef("pk")).exclude(channel=BillingModeChannel.HISTORY_START)
        .order_by("-asked_at", "-id")
    )
    asked_at, asked_on, asked_by, usage_today = (
        Account.objects.filter(pk=account.pk)
        .values_list(
            *(Subquery(asked.values(field)[:1]) for field in ("asked_at", "asked_on", "asked_by_label")),
            Exists(usage_the_mode_bills(today).filter(account=OuterRef("pk"))),
        )
        .get()
    )
    latest = LatestRequest(asked_at=asked_at, asked_on=asked_on, asked_by_label=asked_by) if asked_at else None
    in_force = account.billing_mode_on(today)
    modes = AccountModes(
        billing_mode=account.billing_mode, next_mode=account.billing_mode_next, next_from=account.billing_mode_next_from,
    )
    pending = pending_of(modes=modes, today=today)
    if pending is not None:
        target = in_force
    else:
        target = next((mode for mode in CUSTOMER_MODES if mode != in_force), BillingMode.DAILY_TRAFFIC)
    decision = change_decide(
        today=today, in_force=in_force, pending=pending, last_asked_on=asked_on, requested=target, usage_today=usage_today,
    )
    return BillingModeState(in_force=in_force, pending=pending, latest=latest, target=target, decision=decision)

"""Reads: what triggers a reminder, who receives it, and a person's message center."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from typing import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from console.accounts.models import Member, MemberRole
from console.billing.models import METERED_KINDS, DailyBill
from console.core import clock
from console.core.money import exact_units
from console.notifications.models import (
    NotificationDelivery,
    OutboxMessage,
    ReminderKind,
    ReminderRecipient,
)
from console.packages.models import UNIT_BY_KIND, Deduction, Package

# --- what triggers a reminder -------------------------------------------------------------------

PACKAGE_FIELDS = ("pk", "owner_id", "code", "kind", "spec__name", "total", "used", "expires_at")


def _package_facts(row: dict, *, day: date) -> dict:
    expires_local = timezone.localtime(row["expires_at"], clock.billing_zone())
    return {
        "code": row["code"],
        "name": row["spec__name"],
        "kind": row["kind"],
        "unit": UNIT_BY_KIND.get(row["kind"], ""),
        "total": str(row["total"]),
        "remaining": str(row["total"] - row["used"]),
        "expires_at": expires_local.strftime("%Y-%m-%d %H:%M:%S"),
        "days_left": (expires_local.date() - day).days,
    }


def _by_account(rows: Iterable[dict], *, day: date) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        found[row["owner_id"]].append(_package_facts(row, day=day))
    return dict(found)


def _local_day_start(day: date) -> datetime:
    return datetime.combine(day, clock_time.min, tzinfo=clock.billing_zone())


def expiring_packages(*, day: date, account_ids: Iterable[int] | None = None) -> dict[int, list[dict]]:
    """Per account, its packages that expire exactly 30, 15, 7 or 1 day(s) after `day` (billing
    zone calendar days), that are neither refunded nor used up."""
    within = Q()
    for days in settings.REMINDER_EXPIRY_DAYS:
        within |= Q(
            expires_at__gte=_local_day_start(day + timedelta(days=days)),
            expires_at__lt=_local_day_start(day + timedelta(days=days + 1)),
        )
    packages = Package.objects.filter(within, refunded_at__isnull=True, used__lt=F("total"))
    if account_ids is not None:
        packages = packages.filter(owner_id__in=list(account_ids))
    return _by_account(packages.order_by("owner_id", "expires_at", "pk").values(*PACKAGE_FIELDS), day=day)


def low_remaining_package_ids(*, day: date, account_ids: Iterable[int] | None = None) -> list[int]:
    """The packages (of `account_ids`, or all) that the settlement of `day` took from at least
    REMINDER_LOW_REMAINING_PERCENT remaining to below it.

    Set-based, from the Deduction rows of `day`: what the package had used through `day` is its
    `used` less anything deducted for later days (so the answer stays the same when it is asked
    again after later days were billed), and before `day` that less the day's deductions. Summed
    in thousandths, so the comparison is exact on every database. Each package crosses once,
    since what it has left only goes down.

    It reads every deduction of `day` and later (of the accounts' packages): the daily pass and
    `send_reminders` use it; after a billing shard the receivers compare package rows instead.
    """
    keep = 100 - settings.REMINDER_LOW_REMAINING_PERCENT
    deductions = Deduction.objects.filter(usage_date__gte=day, package__refunded_at__isnull=True)
    if account_ids is not None:
        deductions = deductions.filter(package__owner_id__in=list(account_ids))
    crossed = (
        deductions.values("package_id")
        .annotate(
            on_day=Coalesce(Sum(exact_units("amount", 3), filter=Q(usage_date=day)), Value(0)),
            later=Coalesce(Sum(exact_units("amount", 3), filter=Q(usage_date__gt=day)), Value(0)),
            total_units=Max(exact_units("package__total", 3)),
            used_units=Max(exact_units("package__used", 3)),
        )
        # In hundredths of thousandths, so no division rounds: 100 x used <= keep x total.
        .alias(used_through_day=(F("used_units") - F("later")) * 100, keep_total=F("total_units") * keep)
        .filter(
            on_day__gt=0,
            # At least 15% was left before the day (it had used at most 85% of the total)...
            used_through_day__lte=F("on_day") * 100 + F("keep_total"),
            # ...and less than 15% is left after it.
            used_through_day__gt=F("keep_total"),
        )
        .values_list("package_id", flat=True)
    )
    return list(crossed)


def low_remaining_packages(*, day: date, account_ids: Iterable[int] | None = None) -> dict[int, list[dict]]:
    """Per account, the facts of its packages that crossed below 15% with `day`'s settlement."""
    return packages_by_account(day=day, package_ids=low_remaining_package_ids(day=day, account_ids=account_ids))


@dataclass(frozen=True)
class RemainingSnapshot:
    """A shard's packages before its billing: which had at least the reminder share left."""

    account_ids: list[int]
    known: frozenset[int]
    at_or_above: frozenset[int]
    # Accounts an earlier attempt of the shard already billed for the day.
    billed_before: list[int]


def _shard_packages(account_ids: list[int]):
    return Package.objects.filter(
        owner_id__in=account_ids, kind__in=METERED_KINDS, refunded_at__isnull=True
    ).values_list("pk", "used", "total")


def _at_or_above(used: Decimal, total: Decimal) -> bool:
    """At least REMINDER_LOW_REMAINING_PERCENT of `total` left (exact: Decimal arithmetic)."""
    return 100 * used <= (100 - settings.REMINDER_LOW_REMAINING_PERCENT) * total


def remaining_snapshot(*, day: date, account_ids: list[int]) -> RemainingSnapshot:
    """Before a billing shard: its packages and which have at least 15% left."""
    known, above = set(), set()
    for pk, used, total in _shard_packages(account_ids):
        known.add(pk)
        if _at_or_above(used, total):
            above.add(pk)
    billed = list(
        DailyBill.objects.filter(day=day, account_id__in=account_ids).values_list("account_id", flat=True)
    )
    return RemainingSnapshot(
        account_ids=list(account_ids), known=frozenset(known), at_or_above=frozenset(above), billed_before=billed,
    )


def low_remaining_crossed(snapshot: RemainingSnapshot, *, day: date) -> list[int]:
    """After the shard: its packages now below 15% that had at least 15% before it (or were bought
    during it, by auto-renewal), and the crossings of accounts billed before the snapshot."""
    crossed = [
        pk for pk, used, total in _shard_packages(snapshot.account_ids)
        if not _at_or_above(used, total) and (pk in snapshot.at_or_above or pk not in snapshot.known)
    ]
    if snapshot.billed_before:
        crossed += low_remaining_package_ids(day=day, account_ids=snapshot.billed_before)
    return sorted(set(crossed))


def packages_by_account(*, day: date, package_ids: Iterable[int]) -> dict[int, list[dict]]:
    packages = Package.objects.filter(pk__in=list(package_ids)).order_by("owner_id", "expires_at", "pk")
    return _by_account(packages.values(*PACKAGE_FIELDS), day=day)


# --- who receives a reminder --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    email: str
    in_console: bool
    by_email: bool


def _default_choice(member_role: str) -> tuple[bool, bool]:
    """Without a choice saved, the owner receives every reminder in the console and by e-mail;
    sub-users receive none."""
    owner = member_role == MemberRole.OWNER
    return owner, owner


def reminder_recipients(*, kind: str, account_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """Per account, who receives reminders of `kind` and how (two queries however many accounts)."""
    ids = list(account_ids)
    chosen = {
        member_id: (in_console, by_email)
        for member_id, in_console, by_email in ReminderRecipient.objects.filter(
            kind=kind, member__account_id__in=ids
        ).values_list("member_id", "in_console", "by_email")
    }
    found: dict[int, list[Recipient]] = defaultdict(list)
    for member_id, account_id, role, user_id, email, active in (
        Member.objects.filter(account_id__in=ids)
        .order_by("account_id", "pk")
        .values_list("pk", "account_id", "role", "user_id", "user__email", "user__is_active")
    ):
        in_console, by_email = chosen.get(member_id, _default_choice(role))
        if active and (in_console or (by_email and email)):
            found[account_id].append(
                Recipient(user_id=user_id, email=email, in_console=in_console, by_email=by_email and bool(email))
            )
    return dict(found)


@dataclass(frozen=True)
class RecipientChoice:
    member: Member
    kind: str
    in_console: bool
    by_email: bool


def reminder_choices(*, account_id: int) -> list[RecipientChoice]:
    """The settings page: every member of the account and every reminder type, as chosen."""
    chosen = {
        (row.member_id, row.kind): (row.in_console, row.by_email)
        for row in ReminderRecipient.objects.filter(member__account_id=account_id)
    }
    # The owner first, then the sub-users by name.
    members = sorted(
        Member.objects.filter(account_id=account_id).select_related("user"),
        key=lambda m: (m.role != MemberRole.OWNER, m.user.get_username()),
    )
    return [
        RecipientChoice(member, kind, *chosen.get((member.pk, kind), _default_choice(member.role)))
        for kind in ReminderKind.values
        for member in members
    ]


# --- a person's message center ------------------------------------------------------------------


def inbox_for(*, user: AbstractBaseUser, account_id: int, unread_only: bool = False, kind: str = "") -> QuerySet:
    """The notifications delivered to `user` for the account they act for, newest first."""
    deliveries = NotificationDelivery.objects.filter(user=user, notification__account_id=account_id)
    if unread_only:
        deliveries = deliveries.filter(read_at__isnull=True)
    if kind:
        deliveries = deliveries.filter(notification__kind=kind)
    return deliveries.select_related("notification").order_by("-notification__created_at", "-pk")


def unread_count(*, user: AbstractBaseUser, account_id: int) -> int:
    return NotificationDelivery.objects.filter(
        user=user, notification__account_id=account_id, read_at__isnull=True
    ).count()


# --- the mail outbox ----------------------------------------------------------------------------

# Mail older than this is not tried again: a reminder a week late is worse than none.
PENDING_MAIL_MAX_AGE = timedelta(days=3)


def pending_mail(*, limit: int = 500) -> list[int]:
    """Outbox messages to try (again): unsent, not held by a sender, not given up on."""
    now = timezone.now()
    return list(
        OutboxMessage.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            sent_at__isnull=True,
            attempts__lt=settings.MAIL_MAX_ATTEMPTS,
            created_at__gte=now - PENDING_MAIL_MAX_AGE,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )

"""Reads for the billing pages: a package's deductions, an account's ledger and bills."""

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet

from console import clock
from console.models import (
    Account,
    DailyBill,
    Deduction,
    LedgerEntry,
    Package,
    RenewalFailure,
)


def deductions_for(package: Package) -> QuerySet[Deduction]:
    return Deduction.objects.filter(package=package).order_by("-usage_date", "-deducted_at", "-id")


def renewal_failures_for(package: Package, *, limit: int = 5) -> list[RenewalFailure]:
    return list(RenewalFailure.objects.filter(package=package).order_by("-at", "-id")[:limit])


def _zone_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.billing_zone())


def ledger_for(account: Account, *, start: date | None = None, end: date | None = None) -> QuerySet[LedgerEntry]:
    """The account's ledger entries, newest first, between two billing-zone days (inclusive)."""
    entries = LedgerEntry.objects.filter(account=account).select_related("package")
    if start:
        entries = entries.filter(created_at__gte=_zone_start(start))
    if end:
        entries = entries.filter(created_at__lt=_zone_start(end + timedelta(days=1)))
    return entries.order_by("-created_at", "-id")


def recent_bills(account: Account, *, limit: int = 14) -> list[DailyBill]:
    return list(DailyBill.objects.filter(account=account).order_by("-day")[:limit])

"""Reads of the ledger: an account's entries between two billing-zone days."""

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet

from console.accounts.models import Account
from console.core import clock
from console.ledger.models import LedgerEntry


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

"""Reads for the billing pages and checks: an account's daily bills, stale billing marks."""

from datetime import datetime

from django.db.models import QuerySet

from console.accounts.models import Account, billing_mark_cutoff
from console.billing.models import DailyBill


def recent_bills(account: Account, *, limit: int = 14) -> list[DailyBill]:
    return list(DailyBill.objects.filter(account=account).order_by("-day")[:limit])


def stale_billing_marks(*, now: datetime) -> QuerySet[Account]:
    """Accounts still marked "billing in progress" by a batch that died before it could clear them."""
    return Account.objects.filter(billing_started_at__lt=billing_mark_cutoff(now=now)).order_by("pk")

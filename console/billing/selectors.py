"""Reads for the billing pages: an account's daily bills."""

from console.accounts.models import Account
from console.billing.models import DailyBill


def recent_bills(account: Account, *, limit: int = 14) -> list[DailyBill]:
    return list(DailyBill.objects.filter(account=account).order_by("-day")[:limit])

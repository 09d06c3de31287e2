"""Reads for the presenter panel."""

from django.db.models import QuerySet

from console.accounts.models import Account
from console.packages.models import Package
from refunds.policy import SELF_SERVICE_KINDS


def deadline_choices(account: Account) -> QuerySet[Package]:
    """The account's self-service packages, newest first, with their spec: one query."""
    return (
        Package.objects.filter(owner=account, kind__in=SELF_SERVICE_KINDS)
        .select_related("spec")
        .order_by("-purchased_at", "-id")
    )

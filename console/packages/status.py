"""The one function that decides a package's status from its facts."""

from datetime import datetime
from decimal import Decimal

from django.db import models

from console.accounts.models import BillingMode
from console.packages.models import Package


class PackageStatus(models.TextChoices):
    # Values follow the API's Status codes (DescribeLivePackageInfo).
    UNUSED = "unused", "Unused"
    IN_USE = "in_use", "In use"
    EXPIRED = "expired", "Expired"
    FROZEN = "frozen", "Frozen"
    EXHAUSTED = "exhausted", "Used up"
    REFUNDED = "refunded", "Refunded"


def status_of(
    *,
    refunded: bool,
    expires_at: datetime,
    total: Decimal,
    used: Decimal,
    billing_mode: str,
    now: datetime,
) -> PackageStatus:
    if refunded:
        return PackageStatus.REFUNDED
    if now >= expires_at:
        return PackageStatus.EXPIRED
    if used >= total:
        return PackageStatus.EXHAUSTED
    # Packages only deduct under bill-by-traffic; otherwise they wait, frozen, while time runs.
    if billing_mode != BillingMode.DAILY_TRAFFIC:
        return PackageStatus.FROZEN
    if used > 0:
        return PackageStatus.IN_USE
    return PackageStatus.UNUSED


def package_status(package: Package, *, billing_mode: str, now: datetime) -> PackageStatus:
    return status_of(
        refunded=package.is_refunded,
        expires_at=package.expires_at,
        total=package.total,
        used=package.used,
        billing_mode=billing_mode,
        now=now,
    )


def status_annotation(*, now: datetime) -> models.Case:
    """`status_of` as SQL, so the package page can filter and count by status in the database.

    It mirrors `status_of` rule for rule (tests/test_status.py checks they agree on every
    combination); rows are still labelled by `status_of` itself.
    """
    return models.Case(
        models.When(refunded_at__isnull=False, then=models.Value(PackageStatus.REFUNDED)),
        models.When(expires_at__lte=now, then=models.Value(PackageStatus.EXPIRED)),
        models.When(used__gte=models.F("total"), then=models.Value(PackageStatus.EXHAUSTED)),
        models.When(
            ~models.Q(owner__billing_mode=BillingMode.DAILY_TRAFFIC), then=models.Value(PackageStatus.FROZEN)
        ),
        models.When(used__gt=0, then=models.Value(PackageStatus.IN_USE)),
        default=models.Value(PackageStatus.UNUSED),
        output_field=models.CharField(),
    )

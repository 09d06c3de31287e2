"""The one function that decides a package's status from its facts, and the same rule in SQL."""

from datetime import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from console.accounts.models import BillingMode
from console.packages.models import Package, PackageFamily, PackageKind, PackageState, state_of


class PackageStatus(models.TextChoices):
    # Values follow the API's Status codes (DescribeLivePackageInfo).
    UNUSED = "unused", gettext_lazy("Unused")
    IN_USE = "in_use", gettext_lazy("In use")
    EXPIRED = "expired", gettext_lazy("Expired")
    FROZEN = "frozen", gettext_lazy("Frozen")
    EXHAUSTED = "exhausted", gettext_lazy("Used up")
    REFUNDED = "refunded", gettext_lazy("Refunded")
    # Not an API code of Tencent's: what the repossession for overdue payment left of a package.
    RECLAIMED = "reclaimed", gettext_lazy("Reclaimed")


def is_expired(expires_at: datetime, now: datetime) -> bool:
    """A package has expired from the instant it expires (`status_filter` and the API's package
    statement say the same in SQL)."""
    return now >= expires_at


def status_of(
    *,
    refunded: bool,
    expired: bool,
    total: Decimal,
    used: Decimal,
    billing_mode: str,
    kind: str,
    reclaimed: bool = False,
) -> PackageStatus:
    """The stored, time-independent state (`state_of`), then what time and billing mode add:
    expiry (`is_expired`) beats everything but a refund or a reclaim (both final: a reclaimed
    package stays reclaimed after its expiry date passes), and traffic packages only deduct under
    bill-by-traffic; under a bandwidth mode in force (`billing_mode`, today's, not a pending one)
    they wait, frozen, while time runs. Other kinds are never frozen."""
    state = state_of(refunded=refunded, total=total, used=used, reclaimed=reclaimed)
    if state == PackageState.REFUNDED:
        return PackageStatus.REFUNDED
    if state == PackageState.RECLAIMED:
        return PackageStatus.RECLAIMED
    if expired:
        return PackageStatus.EXPIRED
    if state == PackageState.EXHAUSTED:
        return PackageStatus.EXHAUSTED
    if kind == PackageKind.TRAFFIC and billing_mode != BillingMode.DAILY_TRAFFIC:
        return PackageStatus.FROZEN
    return PackageStatus(state.value)  # in use or unused


def package_status(package: Package, *, billing_mode: str, now: datetime) -> PackageStatus:
    return status_of(
        refunded=package.is_refunded,
        reclaimed=package.is_reclaimed,
        kind=package.kind,
        expired=is_expired(package.expires_at, now),
        total=package.total,
        used=package.used,
        billing_mode=billing_mode,
    )


# Matches nothing, without asking the database (Django answers an empty `pk__in` itself).
NOTHING = Q(pk__in=[])


def status_filter(status: str, *, billing_mode: str, now: datetime) -> Q:
    """The packages of one account (billed in `billing_mode`) whose `status_of` is `status`, as a
    condition an index answers: an equality on the stored `state` and a range on `expires_at`
    (the package page's indexes hold both after the account and tab). Agrees with `status_of` on
    every combination (tests/console/packages/test_status_index.py)."""
    live = Q(expires_at__gt=now)
    # Only traffic packages freeze; the traffic tab (family) holds exactly them.
    traffic = Q(family=PackageFamily.TRAFFIC)
    frozen = billing_mode != BillingMode.DAILY_TRAFFIC
    match PackageStatus(status):
        case PackageStatus.REFUNDED:
            return Q(state=PackageState.REFUNDED)
        case PackageStatus.RECLAIMED:
            return Q(state=PackageState.RECLAIMED)
        case PackageStatus.EXPIRED:
            return ~Q(state__in=[PackageState.REFUNDED, PackageState.RECLAIMED]) & Q(expires_at__lte=now)
        case PackageStatus.EXHAUSTED:
            return Q(state=PackageState.EXHAUSTED) & live
        case PackageStatus.FROZEN:
            return Q(state__in=[PackageState.UNUSED, PackageState.IN_USE]) & live & traffic if frozen else NOTHING
        case PackageStatus.IN_USE | PackageStatus.UNUSED:
            return Q(state=status) & live & ~traffic if frozen else Q(state=status) & live

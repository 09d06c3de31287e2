"""Reads about packages: an account's packages, one package's deductions and failed renewals."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from console.accounts.models import Account
from console.core.audit import AuditAction
from console.core.errors import NotFound
from console.core.models import AuditEntry
from console.packages.models import Deduction, Package, RenewalFailure


class PackageNotFound(NotFound):
    """The package does not exist or is not the requesting account's: the same answer, so
    package IDs cannot be probed."""

    code = "package_not_found"
    default_message = gettext_lazy("No such package in this account.")


def packages_for_account(account: Account) -> QuerySet[Package]:
    return Package.objects.filter(owner=account).select_related("spec", "payer")


def package_of_account(*, account: Account, package_id: int | None = None, code: str | None = None) -> Package:
    """One of the account's packages, by id or by code; raises PackageNotFound."""
    lookup = {"pk": package_id} if package_id is not None else {"code": code}
    try:
        return packages_for_account(account).get(**lookup)
    except Package.DoesNotExist:
        raise PackageNotFound() from None


def deductions_for(package: Package) -> QuerySet[Deduction]:
    return Deduction.objects.filter(package=package).order_by("-usage_date", "-deducted_at", "-id")


def renewal_failures_for(package: Package, *, limit: int = 5) -> list[RenewalFailure]:
    return list(RenewalFailure.objects.filter(package=package).order_by("-at", "-id")[:limit])


@dataclass(frozen=True)
class AutoRenewNote:
    """Why auto-renewal is where it is, for the package's page: it moved here, away, or is on a sibling."""

    kind: str  # "moved_away", "moved_here" or "held_by_other"
    other_code: str
    at: datetime | None
    by_renewal: bool


def auto_renew_holder(package: Package) -> Package | None:
    """The account's other package of the same type that renews automatically (one per type)."""
    return (
        Package.objects.filter(owner_id=package.owner_id, kind=package.kind, auto_renew=True)
        .exclude(pk=package.pk)
        .only("code")
        .first()
    )


def auto_renew_note(package: Package) -> AutoRenewNote | None:
    """Auto-renewal moves silently otherwise: when the billing run renews a package the mark goes
    to the new one, and turning it on for one package turns it off on the type's others. Read
    from the audit trail (console.packages.services and console.billing.renewal write it)."""
    entries = AuditEntry.objects.filter(
        account_id=package.owner_id, action=AuditAction.PACKAGE_AUTO_RENEW_SET, at__gte=package.purchased_at
    ).order_by("-at", "-id")
    if package.auto_renew:
        # Bought by a renewal of another package?
        moved = entries.filter(after__moved_to=package.code).first()
        if moved is not None:
            other = Package.objects.filter(pk=moved.object_id).values_list("code", flat=True).first() or ""
            return AutoRenewNote(kind="moved_here", other_code=other, at=moved.at, by_renewal=True)
        return None
    own = str(package.pk)
    for entry in entries[:200]:
        after = entry.after or {}
        if entry.object_id == own and after.get("moved_to"):
            return AutoRenewNote(kind="moved_away", other_code=after["moved_to"], at=entry.at, by_renewal=True)
        if entry.object_id == own and "auto_renew" in after:
            break  # turned off (or on) by hand on this package: nothing moved
        if package.pk in after.get("turned_off_on", []):
            other = Package.objects.filter(pk=entry.object_id).values_list("code", flat=True).first() or ""
            return AutoRenewNote(kind="moved_away", other_code=other, at=entry.at, by_renewal=False)
    holder = auto_renew_holder(package)
    if holder is not None:
        return AutoRenewNote(kind="held_by_other", other_code=holder.code, at=None, by_renewal=False)
    return None

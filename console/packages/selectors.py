"""Reads about packages: an account's packages, one package's deductions and failed renewals."""

from django.db.models import QuerySet

from console.accounts.models import Account
from console.core.errors import NotFound
from console.packages.models import Deduction, Package, RenewalFailure


class PackageNotFound(NotFound):
    """The package does not exist or is not the requesting account's: the same answer, so
    package IDs cannot be probed."""

    code = "package_not_found"
    default_message = "No such package in this account."


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

"""The one lock order for every writer that moves money or changes packages.

Accounts first, then packages, each in primary-key order, each queryset evaluated at once.
Refunds, purchases, billing, auto-renewal and ticket approvals all lock through these functions,
so no two of them can wait on each other in opposite orders (no deadlock). Rows of higher areas
come after these: a purchase locks its voucher after the account, and a ticket approval locks
its ticket after the refund service has taken the accounts and the package.
Callers run inside `transaction.atomic()`.
"""

from collections.abc import Iterable

from django.db.models import QuerySet, Subquery

from console.accounts.models import Account
from console.core.bulk import any_of
from console.packages.models import Package


def accounts_lock(account_ids: Iterable[int]) -> dict[int, Account]:
    """Lock the accounts; take them before any package."""
    locked = Account.objects.select_for_update().filter(any_of("pk", set(account_ids))).order_by("pk")
    return {account.pk: account for account in locked}


def package_accounts_lock(*, package_id: int, owner_id: int) -> dict[int, Account]:
    """Lock the owner's account and the account that paid for the owner's package `package_id`
    (an organisation's payer), in one statement that reads the payer itself; take them before the
    package. When the package is not the owner's, only the owner's account is locked."""
    payer = Package.objects.filter(pk=package_id, owner_id=owner_id).order_by().values("payer_id")[:1]
    locked = Account.objects.select_for_update().filter(pk__in=[owner_id, Subquery(payer)]).order_by("pk")
    return {account.pk: account for account in locked}


def account_ids_lock(account_ids: Iterable[int]) -> list[int]:
    """Lock the accounts and return only their ids (for set-based writers that need no row)."""
    return list(
        Account.objects.select_for_update().filter(any_of("pk", set(account_ids))).order_by("pk").values_list("pk", flat=True)
    )


def account_lock(account_id: int) -> Account:
    """Lock one account; raises Account.DoesNotExist."""
    return Account.objects.select_for_update().get(pk=account_id)


def packages_lock(packages: QuerySet[Package]) -> list[Package]:
    """Lock the packages the queryset selects, after their accounts. Rows it joins with
    select_related (a spec) come along unlocked: every refund reads the same specs."""
    return list(packages.select_for_update(of=("self",)).order_by("pk"))


def package_ids_lock(packages: QuerySet[Package]) -> list[int]:
    """Lock the packages the queryset selects and return only their ids (for set-based writes)."""
    return list(packages.select_for_update().order_by("pk").values_list("pk", flat=True))

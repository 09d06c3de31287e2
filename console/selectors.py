from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from console.models import Account, Member, Package


def member_for(user: AbstractBaseUser) -> Member:
    """The console membership of a signed-in user; staff without one get a clear 403."""
    try:
        return Member.objects.select_related("account").get(user=user)
    except Member.DoesNotExist:
        raise PermissionDenied("This login is not linked to a cloud account.") from None


def packages_for_account(account: Account) -> QuerySet[Package]:
    return Package.objects.filter(owner=account).select_related("spec", "payer")

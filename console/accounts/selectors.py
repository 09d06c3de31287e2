"""Reads about accounts and the people who act for them."""

from django.contrib.auth.models import AbstractBaseUser

from console.accounts.models import Member
from console.core.errors import PermissionRefused


class NoConsoleAccount(PermissionRefused):
    code = "no_console_account"
    default_message = "This login is not linked to a cloud account."


def member_for(user: AbstractBaseUser) -> Member:
    """The console membership of a signed-in user; staff without one are refused (403).

    Kept on the user object, which lives as long as the request, so the layout and the view
    share one lookup.
    """
    member = getattr(user, "_console_member", None)
    if member is None:
        try:
            member = Member.objects.select_related("account").get(user=user)
        except Member.DoesNotExist:
            raise NoConsoleAccount() from None
        user._console_member = member
    return member


def member_or_none(user: AbstractBaseUser) -> Member | None:
    """For the layout: staff without a cloud account still see the page frame."""
    if not user.is_authenticated:
        return None
    try:
        return member_for(user)
    except NoConsoleAccount:
        return None

"""Reads about accounts and the people who act for them."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count
from django.utils.translation import gettext_lazy

from console.accounts.models import Account, Member, MemberRole, Policy, PolicyAttachment
from console.core.errors import NotFound, PermissionRefused


class NoConsoleAccount(PermissionRefused):
    code = "no_console_account"
    default_message = gettext_lazy("This login is not linked to a cloud account.")


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


# --- users and permissions -------------------------------------------------------------------


def sub_users_of(account: Account) -> list[Member]:
    """The account's sub-users with their attached policies (three queries)."""
    return list(
        Member.objects.filter(account=account, role=MemberRole.SUB_USER)
        .select_related("user")
        .prefetch_related("policy_attachments__policy")
        .order_by("user__username")
    )


def attachments_of(member: Member) -> list[PolicyAttachment]:
    return list(PolicyAttachment.objects.filter(member=member).select_related("policy"))


def custom_policies_of(account: Account) -> list[Policy]:
    """The account's custom policies, each with the number of sub-users it is attached to."""
    return list(Policy.objects.filter(account=account).annotate(attached=Count("attachments")).order_by("name"))


def attachment_of(*, account: Account, attachment_id: int) -> PolicyAttachment:
    """One policy attachment of one of the account's members; NotFound (404) otherwise."""
    attachment = (
        PolicyAttachment.objects.select_related("member__user", "policy")
        .filter(pk=attachment_id, member__account_id=account.pk)
        .first()
    )
    if attachment is None:
        raise NotFound(gettext_lazy("No such policy attachment in this account."))
    return attachment


def custom_policy_of(*, account: Account, policy_id: int) -> Policy:
    """One of the account's custom policies; NotFound (404) otherwise."""
    policy = Policy.objects.filter(pk=policy_id, account_id=account.pk).first()
    if policy is None:
        raise NotFound(gettext_lazy("No such policy in this account."))
    return policy

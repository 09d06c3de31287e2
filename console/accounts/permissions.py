"""Who may do what: the one place that answers it.

Services call `member_require` / `staff_require_*` before they change anything, so a view that
forgot to ask cannot let an action through; pages read `member_permissions` from the context to
draw buttons and never compare roles or flags themselves.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser

from console.accounts.models import Member, MemberRole
from console.core.errors import PermissionRefused


class MemberAction(StrEnum):
    REFUND = "refund"
    BUY = "buy"
    CHANGE_AUTO_RENEW = "change_auto_renew"


REFUSALS = {
    MemberAction.REFUND: "You do not have permission to refund packages. Ask the account owner.",
    MemberAction.BUY: "You do not have permission to buy packages. Ask the account owner.",
    MemberAction.CHANGE_AUTO_RENEW: "You do not have permission to change auto-renewal. Ask the account owner.",
}


def member_may(member: Member, action: MemberAction) -> bool:
    """The root account may do everything; a sub-user needs the account's grant, which today
    covers refunding, buying and auto-renewal together."""
    if member.role == MemberRole.OWNER:
        return True
    return member.can_refund


def member_require(member: Member, action: MemberAction) -> None:
    if not member_may(member, action):
        raise PermissionRefused(REFUSALS[action])


@dataclass(frozen=True)
class MemberPermissions:
    """What the signed-in person may do, for templates: `{% if may.refund %}`."""

    refund: bool
    buy: bool
    change_auto_renew: bool


def member_permissions(member: Member) -> MemberPermissions:
    return MemberPermissions(**{action.value: member_may(member, action) for action in MemberAction})


# --- staff -------------------------------------------------------------------------------------

REVIEW_PERMISSION = "tickets.review_ticket"
APPROVE_PERMISSION = "tickets.approve_refund"


def staff_may_review(user: AbstractBaseUser) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(REVIEW_PERMISSION))


def staff_require_review(user: AbstractBaseUser) -> None:
    if not staff_may_review(user):
        raise PermissionRefused(f"Missing permission {REVIEW_PERMISSION}.")


def staff_may_approve(user: AbstractBaseUser) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(APPROVE_PERMISSION))


def staff_require_approve(user: AbstractBaseUser, *, account_id: int, raised_by_id: int | None) -> None:
    """Approving moves money, so nobody approves a refund they asked for, or one for an account
    they belong to, superusers included."""
    if not staff_may_approve(user):
        raise PermissionRefused(f"Missing permission {APPROVE_PERMISSION}.")
    if raised_by_id is not None and raised_by_id == user.pk:
        raise PermissionRefused("Nobody may approve a refund on a ticket they raised.", code="own_ticket")
    if Member.objects.filter(user_id=user.pk, account_id=account_id).exists():
        raise PermissionRefused(
            "Nobody may approve a refund for an account they belong to.", code="own_account"
        )

"""Who may do what: the one place that answers it.

Services call `member_require` / `staff_require_*` before they change anything, so a view that
forgot to ask cannot let an action through; pages read `member_permissions` from the context to
draw buttons and never compare roles or policies themselves; the API asks `api_action_allowed`.

Access is CAM-style, as on Tencent Cloud: the root account (the owner) may do everything; a
sub-user may do what the policies attached to them allow, where an explicit deny wins over any
allow. A policy is a list of statements `{"effect": "allow"|"deny", "action": [...], "resource": "*"}`;
actions are `service:Action` (`live:DescribeLivePackageInfo`, `finance:RefundInstance`) with `*`
as a wildcard (`live:Describe*`, `live:*`, `*`), compared without regard to case; `finace:`
(Tencent's own spelling in the RefundInstance documentation) is read as `finance:`.

The console's own actions are CAM actions too (`CAM_ACTIONS`): refunding in the console is
`finance:RefundInstance`, the same action as the API's RefundInstance.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from console.accounts.models import Member, MemberRole, PolicyAttachment, PresetPolicy
from console.core.errors import InvalidRequest, PermissionRefused


class MemberAction(StrEnum):
    REFUND = "refund"
    BUY = "buy"
    CHANGE_AUTO_RENEW = "change_auto_renew"
    SEE_MONEY = "see_money"
    MODIFY_BILLING_MODE = "modify_billing_mode"


# The CAM action each console action needs. Buying and auto-renewal spend the account's money,
# so they are finance actions (named after Tencent's billing APIs: PayDeals pays an order; auto-
# renewal is this console's own ModifyAutoRenewFlag), granted by QCloudFinanceFullAccess.
# Seeing money (the balances, the ledger and its export, the refund records) is the finance read
# the API asks for its DescribeAccountBalance: a refund record is a movement of those balances (the
# ledger lists it too), so one action governs every page that shows them, and a person the API
# refuses balances is refused them in the console as well.
CAM_ACTIONS: dict[MemberAction, str] = {
    MemberAction.REFUND: "finance:RefundInstance",
    MemberAction.BUY: "finance:PayDeals",
    MemberAction.CHANGE_AUTO_RENEW: "finance:ModifyAutoRenewFlag",
    MemberAction.SEE_MONEY: "finance:DescribeAccountBalance",
    # Changing the CSS billing mode is a CSS action (Tencent's console asks for it under live:), so
    # QcloudLIVEFullAccess grants it and the read-only preset does not.
    MemberAction.MODIFY_BILLING_MODE: "live:ModifyBillingMode",
}

REFUSALS = {
    MemberAction.REFUND: gettext_lazy("You do not have permission to refund packages. Ask the account owner."),
    MemberAction.BUY: gettext_lazy("You do not have permission to buy packages. Ask the account owner."),
    MemberAction.CHANGE_AUTO_RENEW: gettext_lazy(
        "You do not have permission to change auto-renewal. Ask the account owner."
    ),
    MemberAction.SEE_MONEY: gettext_lazy(
        "You do not have permission to see the account's balances, bills and refunds. Ask the account owner."
    ),
    MemberAction.MODIFY_BILLING_MODE: gettext_lazy(
        "You do not have permission to change the billing mode (live:ModifyBillingMode). Ask the account owner."
    ),
}


def member_may(member: Member, action: MemberAction) -> bool:
    """The root account may do everything; a sub-user needs a policy that allows the action's
    CAM action (`CAM_ACTIONS`) and none that denies it."""
    return api_action_allowed(member, CAM_ACTIONS[MemberAction(action)])


def member_require(member: Member, action: MemberAction) -> None:
    if not member_may(member, action):
        raise PermissionRefused(REFUSALS[action])


def member_refusal(member: Member, action: MemberAction) -> str:
    """Why `member` may not do `action`, in the active language, or "" when they may: what a
    page says in place of the button, the same words `member_require` refuses with."""
    return "" if member_may(member, action) else str(REFUSALS[MemberAction(action)])


@dataclass(frozen=True)
class MemberPermissions:
    """What the signed-in person may do, for templates: `{% if may.refund %}`."""

    refund: bool
    buy: bool
    change_auto_renew: bool
    see_money: bool
    modify_billing_mode: bool
    manage_access: bool = False


def member_permissions(member: Member) -> MemberPermissions:
    return MemberPermissions(
        **{action.value: member_may(member, action) for action in MemberAction},
        manage_access=member_may_manage_access(member),
    )


# --- CAM: policies, statements, evaluation -----------------------------------------------------

ALLOW, DENY = "allow", "deny"
POLICY_VERSION = "2.0"
MAX_STATEMENTS = 50
MAX_ACTIONS = 100

# The preset policies' statements. Tencent's QcloudLIVEReadOnlyAccess covers CSS's read actions
# (Describe*, Get*); QCloudFinanceFullAccess covers everything of the billing centre.
PRESET_DOCUMENTS: dict[PresetPolicy, dict[str, Any]] = {
    PresetPolicy.LIVE_FULL_ACCESS: {
        "version": POLICY_VERSION,
        "statement": [{"effect": ALLOW, "action": ["live:*"], "resource": "*"}],
    },
    PresetPolicy.LIVE_READ_ONLY_ACCESS: {
        "version": POLICY_VERSION,
        "statement": [{"effect": ALLOW, "action": ["live:Describe*", "live:Get*"], "resource": "*"}],
    },
    PresetPolicy.FINANCE_FULL_ACCESS: {
        "version": POLICY_VERSION,
        "statement": [{"effect": ALLOW, "action": ["finance:*"], "resource": "*"}],
    },
}


class InvalidPolicy(InvalidRequest):
    code = "invalid_policy"
    default_message = gettext_lazy("The policy document is not valid.")


@dataclass(frozen=True)
class Statement:
    effect: str  # ALLOW or DENY
    actions: tuple[str, ...]  # normalised patterns

    def matches(self, action: str) -> bool:
        return any(_pattern(pattern).fullmatch(action) for pattern in self.actions)


def normalise_action(action: str) -> str:
    """`Finace:RefundInstance` -> `finance:refundinstance`: CAM compares actions without case,
    and Tencent documents RefundInstance's permission as `finace:` (sic)."""
    action = action.strip().lower()
    if action.startswith("finace:"):
        action = "finance:" + action[len("finace:"):]
    return action


_ACTION = re.compile(r"\*|[a-z0-9_-]+:[a-z0-9_*]+", re.IGNORECASE)


@lru_cache(maxsize=512)
def _pattern(pattern: str) -> re.Pattern:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")))


def policy_document_parse(document: Any) -> tuple[Statement, ...]:
    """Check a policy document and return its statements; `InvalidPolicy` says what is wrong.

    Supported: `version` "2.0"; `statement` a list of objects with `effect` (allow/deny),
    `action` (a string or a list of `service:Action` patterns, or `*`) and optional `resource`,
    which must be `*` (this console has no resource-level grants). Conditions are refused rather
    than ignored, so a policy never grants more than it says.
    """
    if not isinstance(document, dict):
        raise InvalidPolicy(_("A policy document is a JSON object with `version` and `statement`."))
    unknown = set(document) - {"version", "statement"}
    if unknown:
        raise InvalidPolicy(_("Unknown key in the policy document: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    if document.get("version") != POLICY_VERSION:
        raise InvalidPolicy(_('The policy `version` must be "%(version)s".') % {"version": POLICY_VERSION})
    raw_statements = document.get("statement")
    if isinstance(raw_statements, dict):
        raw_statements = [raw_statements]
    if not isinstance(raw_statements, list) or not raw_statements:
        raise InvalidPolicy(_("`statement` must be a non-empty list of statements."))
    if len(raw_statements) > MAX_STATEMENTS:
        raise InvalidPolicy(_("A policy has at most %(count)s statements.") % {"count": MAX_STATEMENTS})
    return tuple(_statement_parse(raw, number) for number, raw in enumerate(raw_statements, start=1))


def _statement_parse(raw: Any, number: int) -> Statement:
    if not isinstance(raw, dict):
        raise InvalidPolicy(_("Statement %(number)s must be a JSON object.") % {"number": number})
    unknown = set(raw) - {"effect", "action", "resource"}
    if unknown:
        raise InvalidPolicy(
            _("Statement %(number)s: `%(key)s` is not supported (only effect, action and resource).")
            % {"number": number, "key": sorted(unknown)[0]}
        )
    effect = raw.get("effect")
    if not isinstance(effect, str) or effect.lower() not in (ALLOW, DENY):
        raise InvalidPolicy(_('Statement %(number)s: `effect` must be "allow" or "deny".') % {"number": number})
    actions = raw.get("action")
    if isinstance(actions, str):
        actions = [actions]
    if not isinstance(actions, list) or not actions or not all(isinstance(a, str) for a in actions):
        raise InvalidPolicy(
            _("Statement %(number)s: `action` must be an action or a non-empty list of actions.") % {"number": number}
        )
    if len(actions) > MAX_ACTIONS:
        raise InvalidPolicy(
            _("Statement %(number)s: at most %(count)s actions.") % {"number": number, "count": MAX_ACTIONS}
        )
    for action in actions:
        if not _ACTION.fullmatch(action.strip()):
            raise InvalidPolicy(
                _(
                    "Statement %(number)s: `%(action)s` is not an action such as "
                    "live:DescribeLivePackageInfo or live:Describe*."
                )
                % {"number": number, "action": action}
            )
    resource = raw.get("resource", "*")
    if isinstance(resource, str):
        resource = [resource]
    if resource != ["*"]:
        raise InvalidPolicy(
            _('Statement %(number)s: `resource` must be "*" (resource-level grants are not supported).')
            % {"number": number}
        )
    return Statement(effect=effect.lower(), actions=tuple(normalise_action(a) for a in actions))


def preset_statements(preset: str) -> tuple[Statement, ...]:
    return policy_document_parse(PRESET_DOCUMENTS[PresetPolicy(preset)])


def member_statements(member: Member) -> tuple[Statement, ...]:
    """Every statement of every policy attached to `member`: one query, kept on the member object
    for the rest of the request (a package page asks once per row)."""
    cached = getattr(member, "_cam_statements", None)
    if cached is None:
        statements: list[Statement] = []
        attachments = PolicyAttachment.objects.filter(member_id=member.pk).select_related("policy")
        for attachment in attachments:
            if attachment.preset:
                statements.extend(preset_statements(attachment.preset))
            else:
                try:
                    statements.extend(policy_document_parse(attachment.policy.document))
                except InvalidPolicy:
                    continue  # checked when saved; a broken document grants nothing
        cached = tuple(statements)
        member._cam_statements = cached
    return cached


def statements_allow(statements: tuple[Statement, ...], action: str) -> bool:
    """CAM's rule: allowed when some statement allows the action and none denies it."""
    action = normalise_action(action)
    allowed = False
    for statement in statements:
        if statement.matches(action):
            if statement.effect == DENY:
                return False
            allowed = True
    return allowed


def api_action_allowed(member: Member, action: str) -> bool:
    """Whether `member` may perform the CAM action `action` (e.g. "live:DescribeLivePackageInfo")."""
    if member.role == MemberRole.OWNER:
        return True
    return statements_allow(member_statements(member), action)


def member_permissions_forget(member: Member) -> None:
    """Drop the statements kept on `member`, after its policies changed."""
    member.__dict__.pop("_cam_statements", None)


def member_may_manage_access(member: Member) -> bool:
    """Granting and revoking policies, like CAM's user management, is the root account's."""
    return member.role == MemberRole.OWNER


def member_require_manage_access(member: Member) -> None:
    if not member_may_manage_access(member):
        raise PermissionRefused(_("Only the account owner manages users and permissions."))


# --- staff -------------------------------------------------------------------------------------

REVIEW_PERMISSION = "tickets.review_ticket"
APPROVE_PERMISSION = "tickets.approve_refund"


def staff_may_review(user: AbstractBaseUser) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(REVIEW_PERMISSION))


def staff_require_review(user: AbstractBaseUser) -> None:
    if not staff_may_review(user):
        raise PermissionRefused(_("Missing permission %(permission)s.") % {"permission": REVIEW_PERMISSION})


@dataclass(frozen=True)
class StaffNavigation:
    """What the console's menus offer staff without a cloud account: `{% if staff_nav.review %}`."""

    review: bool


def staff_navigation(user: AbstractBaseUser) -> StaffNavigation | None:
    """The staff menu for a signed-in staff login, or None for anyone else."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    return StaffNavigation(review=staff_may_review(user))


BILLING_MODE_PERMISSION = "console.change_account"


def staff_require_billing_mode(user: AbstractBaseUser) -> None:
    """Staff set an account's billing mode (the contract customers' monthly mode) with the
    permission to change accounts."""
    if not (user.is_active and user.is_staff and user.has_perm(BILLING_MODE_PERMISSION)):
        raise PermissionRefused(_("Missing permission %(permission)s.") % {"permission": BILLING_MODE_PERMISSION})


def staff_may_approve(user: AbstractBaseUser) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(APPROVE_PERMISSION))


def staff_require_approve(user: AbstractBaseUser, *, account_id: int, raised_by_id: int | None) -> None:
    """Approving moves money, so nobody approves a refund they asked for, or one for an account
    they belong to, superusers included."""
    if not staff_may_approve(user):
        raise PermissionRefused(_("Missing permission %(permission)s.") % {"permission": APPROVE_PERMISSION})
    if raised_by_id is not None and raised_by_id == user.pk:
        raise PermissionRefused(_("Nobody may approve a refund on a ticket they raised."), code="own_ticket")
    if Member.objects.filter(user_id=user.pk, account_id=account_id).exists():
        raise PermissionRefused(
            _("Nobody may approve a refund for an account they belong to."), code="own_account"
        )


# --- the account's standing ----------------------------------------------------------------------
# What the account's state (console.accounts.models.AccountStatus) allows, whoever is signed in:
# the layout's banner says what it means, and services ask before they act.


class AccountSuspended(PermissionRefused):
    """The account's state, not the person, forbids the action."""

    code = "account_suspended"


@dataclass(frozen=True)
class AccountStanding:
    status: str
    suspended: bool
    headline: str
    meaning: str
    # Why the account may not buy, or "" when it may.
    buy_refusal: str
    # The banner shows on every page (suspended, or in arrears with its countdown).
    banner: bool = False
    # The standing's own refusal code (`account_suspended_overdue`, ...).
    code: str = ""
    # A top-up settles it (the overdue-payment states).
    top_up_settles: bool = False


def _standings() -> dict[str, AccountStanding]:
    from console.accounts.models import AccountStatus

    return {
        AccountStatus.ACTIVE: AccountStanding(
            status=AccountStatus.ACTIVE, suspended=False, headline="", meaning="", buy_refusal=""
        ),
        AccountStatus.IN_ARREARS: AccountStanding(
            status=AccountStatus.IN_ARREARS,
            suspended=False,
            banner=True,
            top_up_settles=True,
            headline=_("This account is in arrears."),
            meaning=_(
                "A bill could not be paid in full. Top up at least the amount owed before the deadline, "
                "or streaming services are suspended for overdue payment, even while packages remain."
            ),
            buy_refusal="",
        ),
        AccountStatus.SUSPENDED_VIOLATION: AccountStanding(
            status=AccountStatus.SUSPENDED_VIOLATION,
            suspended=True,
            banner=True,
            code="account_suspended_violation",
            headline=_("This account is suspended for violating the rules."),
            meaning=_(
                "Its streaming services are stopped. Packages cannot be bought, and packages already "
                "bought cannot be refunded. Submit a ticket if you believe this is a mistake."
            ),
            buy_refusal=_("The account is suspended for violating the rules, so no packages can be bought."),
        ),
        AccountStatus.SUSPENDED_OVERDUE: AccountStanding(
            status=AccountStatus.SUSPENDED_OVERDUE,
            suspended=True,
            banner=True,
            top_up_settles=True,
            code="account_suspended_overdue",
            headline=_("This account is suspended for overdue payment."),
            meaning=_(
                "Its streaming services are stopped until the amount owed is paid: a top-up that brings "
                "the balance to zero or above lifts the suspension at once. Packages cannot be bought "
                "meanwhile; packages already bought can still be refunded under the usual rules, and a "
                "refund pays what is owed first. After 60 days suspended, the remaining packages are repossessed."
            ),
            buy_refusal=_("The account is suspended for overdue payment, so no packages can be bought. Top up to lift it."),
        ),
        AccountStatus.REPOSSESSED: AccountStanding(
            status=AccountStatus.REPOSSESSED,
            suspended=True,
            banner=True,
            top_up_settles=True,
            code="account_repossessed",
            headline=_("This account's streaming resources were repossessed for overdue payment."),
            meaning=_(
                "It stayed suspended for overdue payment for 60 days. Its remaining packages were reclaimed "
                "and can no longer be refunded. A top-up that settles the amount owed restores the account."
            ),
            buy_refusal=_("The account's resources were repossessed for overdue payment, so no packages can be bought. Top up to restore it."),
        ),
    }


def account_standing(account) -> AccountStanding:
    """What `account`'s state means: for the banner on every page and for `account_require_may_buy` below."""
    return _standings()[account.status]


def account_require_may_buy(account) -> None:
    """Raise AccountSuspended (code `account_suspended_violation`, `account_suspended_overdue` or
    `account_repossessed`) when the account's state forbids buying. Services call it on the locked
    account row, so a suspension that lands mid-request wins."""
    standing = account_standing(account)
    if standing.buy_refusal:
        raise AccountSuspended(standing.buy_refusal, code=standing.code)


def buy_refusal(member: Member) -> str:
    """Why `member` may not buy (their permission first, then the account's standing), or "":
    the words the buy page and the package page's disabled Buy button both show."""
    return member_refusal(member, MemberAction.BUY) or account_standing(member.account).buy_refusal

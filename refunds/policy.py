"""The five-day refund policy for CSS packages, as a pure function of plain facts.

Nothing here touches the database or the clock: callers pass "now" and the facts, and get back a
`Verdict` with every reason that blocks the refund, the deadline, the channel, and the money that
would come back. The package page uses it to draw the Refund button; the refund service uses it
again under the row locks before any money moves.
"""

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

# Only the translation marker: the messages are read in the language of whoever is asking, and
# nothing here touches the database or the clock.
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REFUND_WINDOW = timedelta(days=5)
ALLOWANCE_PERIOD = timedelta(days=365)

SELF_SERVICE_KINDS = frozenset({"traffic", "transcode_standard", "transcode_tsc"})


class Channel(StrEnum):
    """Where a refund is asked for, and (as `Verdict.channel`) where a package type is refunded.

    The console and the API are both self-service: the customer refunds without staff, and both
    count against the self-service allowance. A ticket is staff approving a customer's request.
    `Verdict.channel` is SELF_SERVICE or TICKET; a Refund records the exact one it came through.
    """

    SELF_SERVICE = "self_service"  # the console
    API = "api"
    TICKET = "ticket"


# The channels whose refunds count against the self-service allowance.
SELF_SERVICE_CHANNELS = frozenset({Channel.SELF_SERVICE, Channel.API})


class Reason(StrEnum):
    """Stable codes for what blocks a refund. The codes are an API; the words are for people and
    live with everything else about each reason in `REASONS`."""

    PAST_DEADLINE = "past_deadline"
    USED = "used"
    GIVEAWAY = "giveaway"
    ACCOUNT_SUSPENDED = "account_suspended"
    ALREADY_REFUNDED = "already_refunded"
    PACKAGE_RECLAIMED = "package_reclaimed"
    BILLING_IN_PROGRESS = "billing_in_progress"
    ALLOWANCE_USED_UP = "allowance_used_up"
    TICKET_REQUIRED = "ticket_required"
    NO_PERMISSION = "no_permission"

    @property
    def message(self) -> str:
        # In the language active now (the page's, the API's X-TC-Language, the mail's recipient's).
        return str(REASONS[self].message)

    @property
    def short(self) -> str:
        """The one line a table row has room for, in the language active now."""
        return str(REASONS[self].short)


@dataclass(frozen=True)
class ReasonDefinition:
    """Everything about one reason. `permanent`: no waiting and no ticket removes it, so a package
    blocked by it will never be refunded (by this person) and has no deadline to count down to.
    `overrulable`: staff reviewing a ticket may overrule it with a written note. `ticket_solves`:
    a ticket gets past it (the overrulable ones included)."""

    message: Promise
    short: Promise
    permanent: bool = False
    overrulable: bool = False
    ticket_solves: bool = False


# One entry per reason (tests/refunds/test_policy.py checks every reason has one), in the order a
# person should hear them: what can never change first. A row shows the first of its reasons.
REASONS: dict[Reason, ReasonDefinition] = {
    Reason.ALREADY_REFUNDED: ReasonDefinition(
        message=_("The package has already been refunded."), short=_("Already refunded"), permanent=True,
    ),
    # The account was repossessed after 60 days suspended for overdue payment: what was left of the
    # package was reclaimed, and no ticket or top-up gives it back.
    Reason.PACKAGE_RECLAIMED: ReasonDefinition(
        message=_(
            "The package was reclaimed when the account was repossessed after 60 days suspended for "
            "overdue payment, so it can no longer be refunded."
        ),
        short=_("Reclaimed for overdue payment"),
        permanent=True,
    ),
    Reason.GIVEAWAY: ReasonDefinition(
        message=_("Giveaway packages cannot be refunded."), short=_("Giveaways are not refundable"), permanent=True,
    ),
    Reason.USED: ReasonDefinition(
        message=_("The package has been used: a deduction has been made from it."),
        short=_("Used, so not refundable"),
        permanent=True,
    ),
    Reason.ACCOUNT_SUSPENDED: ReasonDefinition(
        message=_("The account's services are suspended for violating the rules."),
        short=_("Account suspended for violations"),
        permanent=True,
    ),
    Reason.NO_PERMISSION: ReasonDefinition(
        message=_("You do not have permission to refund packages. Ask the account owner."),
        short=_("You may not refund packages"),
        permanent=True,
    ),
    Reason.PAST_DEADLINE: ReasonDefinition(
        message=_("The five-day refund window has closed."), short=_("The 5-day refund window has closed"),
    ),
    Reason.TICKET_REQUIRED: ReasonDefinition(
        message=_("This package type is refunded through a ticket, not in the console."),
        short=_("Refunded through a ticket"),
        ticket_solves=True,
    ),
    Reason.ALLOWANCE_USED_UP: ReasonDefinition(
        message=_(
            "This account has used all its self-service refunds for the last 365 days. "
            "Submit a ticket and we will review the request."
        ),
        short=_("Self-service refunds used up"),
        overrulable=True,
        ticket_solves=True,
    ),
    # Billing in progress only delays a refund, whichever way it is asked for.
    Reason.BILLING_IN_PROGRESS: ReasonDefinition(
        message=_("Billing is being processed. Try again in a few minutes."),
        short=_("Billing in progress; try again soon"),
    ),
}

# The sets the rules below read, drawn from REASONS.
OVERRULABLE = frozenset(reason for reason, definition in REASONS.items() if definition.overrulable)
PERMANENT = frozenset(reason for reason, definition in REASONS.items() if definition.permanent)
TICKET_SOLVES = frozenset(reason for reason, definition in REASONS.items() if definition.ticket_solves)
_ORDER = {reason: position for position, reason in enumerate(REASONS)}


def first_reason(reasons) -> Reason:
    """The reason a person should hear first (REASONS' order)."""
    return min(reasons, key=_ORDER.__getitem__)


@dataclass(frozen=True)
class Money:
    cash: Decimal = Decimal("0.00")
    commission: Decimal = Decimal("0.00")
    free: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.cash + self.commission + self.free


@dataclass(frozen=True)
class PackageFacts:
    kind: str
    purchased_at: datetime
    giveaway: bool
    has_deductions: bool
    refunded: bool
    paid: Money
    discount: Decimal
    voucher: Decimal
    payer_uin: int
    payer_name: str
    # Reclaimed by the account's repossession for overdue payment (`Package.reclaimed_at`).
    reclaimed: bool = False


@dataclass(frozen=True)
class AccountFacts:
    suspended_for_violation: bool
    # When a billing batch marked the account "billing in progress" (None: no mark).
    billing_started_at: datetime | None
    # Self-service refunds this account made in the ALLOWANCE_PERIOD before now.
    recent_self_service_refunds: int


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    reasons: tuple[Reason, ...]
    deadline: datetime
    channel: Channel
    refund: Money
    not_refunded_discount: Decimal
    not_refunded_voucher: Decimal
    payer_uin: int
    payer_name: str
    allowance_remaining: int
    overruled: tuple[Reason, ...] = field(default=())

    @property
    def messages(self) -> list[str]:
        return [reason.message for reason in self.reasons]

    @property
    def why(self) -> str:
        """The first reason's one line, in the language active now ("" when eligible)."""
        return first_reason(self.reasons).short if self.reasons else ""

    @property
    def window_open(self) -> bool:
        return Reason.PAST_DEADLINE not in self.reasons

    @property
    def never(self) -> bool:
        """Blocked for good: refunded, reclaimed, used, a giveaway, the account suspended for
        violations, or the person may not refund."""
        return any(reason in PERMANENT for reason in self.reasons)

    @property
    def ticket_is_the_way(self) -> bool:
        """Not refundable here, but a ticket can get it refunded (Ticket > Submit a Ticket)."""
        blocking = set(self.reasons) - {Reason.BILLING_IN_PROGRESS}
        return bool(blocking) and blocking <= TICKET_SOLVES

    def as_record(self) -> dict:
        """A JSON-ready copy for the audit log."""
        record = asdict(self)
        record["reasons"] = [str(reason) for reason in self.reasons]
        record["overruled"] = [str(reason) for reason in self.overruled]
        record["channel"] = str(self.channel)
        record["refund"]["total"] = self.refund.total
        return record


def refund_deadline(purchased_at: datetime, zone: ZoneInfo) -> datetime:
    """The last instant a refund may be requested.

    Five days after purchase would be mid-day; because billing runs at a varying time each day,
    the window runs on to the end of that local day (the seed: bought 2022-12-01 08:00 -> open
    until 2022-12-06 23:59:59). Taking the local day of purchase + 5 x 24 h, rather than the
    calendar date + 5, keeps the window at least five full days across a daylight-saving change.
    """
    if purchased_at.tzinfo is None:
        raise ValueError("purchased_at must be timezone-aware")
    # In UTC: adding a timedelta to a zoned datetime moves the wall clock, not real time.
    local_end = (purchased_at.astimezone(UTC) + REFUND_WINDOW).astimezone(zone)
    return datetime.combine(local_end.date(), time.max, tzinfo=zone)


def allowance_remaining(allowance: int, recent_self_service_refunds: int) -> int:
    return max(allowance - recent_self_service_refunds, 0)


def billing_in_progress(billing_started_at: datetime | None, *, now: datetime, batch_max: timedelta) -> bool:
    """Whether a billing mark still holds refunds back. A batch clears its marks when it commits;
    one killed before it could (SIGKILL, out of memory) leaves them. A mark older than the longest
    a batch may run (`batch_max`, BILLING_BATCH_MAX_SECONDS) is stale: no batch holds that
    account, so it does not refuse a refund (`clear_billing_marks` removes it)."""
    return billing_started_at is not None and now.astimezone(UTC) - billing_started_at.astimezone(UTC) <= batch_max


def channel_for(kind: str) -> Channel:
    return Channel.SELF_SERVICE if kind in SELF_SERVICE_KINDS else Channel.TICKET


def evaluate(
    package: PackageFacts,
    account: AccountFacts,
    *,
    now: datetime,
    zone: ZoneInfo,
    allowance: int,
    billing_batch_max: timedelta,
    via: Channel = Channel.SELF_SERVICE,
    person_may_refund: bool = True,
    overrule_abuse: bool = False,
) -> Verdict:
    """Decide whether `package` may be refunded now, and gather every reason it may not.

    `via` is the way the request comes in: a customer in the console or through the API, or staff
    approving a ticket. Only staff (via a ticket) may set `overrule_abuse`. A billing mark older
    than `billing_batch_max` is stale and does not block (`billing_in_progress`).
    """
    if overrule_abuse and via != Channel.TICKET:
        raise ValueError("Only a ticket review may overrule a suspicion of refund abuse")
    deadline = refund_deadline(package.purchased_at, zone)
    channel = channel_for(package.kind)
    remaining = allowance_remaining(allowance, account.recent_self_service_refunds)

    reasons: list[Reason] = []
    if package.refunded:
        reasons.append(Reason.ALREADY_REFUNDED)
    if package.reclaimed:
        reasons.append(Reason.PACKAGE_RECLAIMED)
    if now.astimezone(UTC) > deadline.astimezone(UTC):
        reasons.append(Reason.PAST_DEADLINE)
    if package.has_deductions:
        reasons.append(Reason.USED)
    if package.giveaway:
        reasons.append(Reason.GIVEAWAY)
    if account.suspended_for_violation:
        reasons.append(Reason.ACCOUNT_SUSPENDED)
    if billing_in_progress(account.billing_started_at, now=now, batch_max=billing_batch_max):
        reasons.append(Reason.BILLING_IN_PROGRESS)
    self_service = via in SELF_SERVICE_CHANNELS
    if self_service and channel == Channel.TICKET:
        reasons.append(Reason.TICKET_REQUIRED)
    if channel == Channel.SELF_SERVICE and remaining == 0:
        reasons.append(Reason.ALLOWANCE_USED_UP)
    if self_service and not person_may_refund:
        reasons.append(Reason.NO_PERMISSION)

    if overrule_abuse:
        overruled = tuple(r for r in reasons if r in OVERRULABLE)
        blocking = tuple(r for r in reasons if r not in OVERRULABLE)
    else:  # the package page evaluates every row: no tuple to sift through
        overruled, blocking = (), tuple(reasons)
    return Verdict(
        eligible=not blocking,
        reasons=blocking,
        deadline=deadline,
        channel=channel,
        refund=package.paid,
        not_refunded_discount=package.discount,
        not_refunded_voucher=package.voucher,
        payer_uin=package.payer_uin,
        payer_name=package.payer_name,
        allowance_remaining=remaining,
        overruled=overruled,
    )

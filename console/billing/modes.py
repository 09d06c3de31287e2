"""The billing-mode rules, pure (no database, no clock): when a requested change takes effect, and
which mode is in force on a billing day. `console.billing.services.billing_mode_change` asks
them under the account's lock; the package page asks them to draw its Change button.

The rules (Tencent Cloud CSS "Changing Billing Modes", with Alibaba Cloud ApsaraVideo Live for the
details; docs/billing.md):
- a change takes effect at the start of the next billing day; if the account already has
  traffic usage today under the old mode, today and tomorrow are still settled under the old
  mode and the new one applies from the day after tomorrow;
- one request a day: a change asked today cannot be changed again today ("again tomorrow");
- on a later day, while the change is still pending, asking for the mode in force cancels it (a
  row that takes effect the same day, so the pending one never does); asking for another mode is
  refused until it takes effect or is cancelled;
- customers choose between the two daily modes; the monthly 95th percentile is for contract
  customers, set by staff through the same service.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from console.accounts.models import BillingMode

CUSTOMER_MODES = (BillingMode.DAILY_TRAFFIC, BillingMode.DAILY_BANDWIDTH)


def traffic_packages_frozen(mode: str) -> bool:
    """Traffic packages deduct only under daily bill-by-traffic; under any bandwidth mode they are
    frozen (their validity runs on). Transcoding packages are never affected."""
    return mode != BillingMode.DAILY_TRAFFIC


class Refusal(StrEnum):
    """Why a change is refused: the stable codes the refusal carries."""

    CHANGED_TODAY = "billing_mode_changed_today"
    UNCHANGED = "billing_mode_unchanged"
    ALREADY_PENDING = "billing_mode_already_pending"
    PENDING_OTHER = "billing_mode_change_pending"
    CONTRACT_ONLY = "billing_mode_contract_only"


REFUSAL_MESSAGES = {
    # A request, not a change: the mode itself may change only tomorrow or later.
    Refusal.CHANGED_TODAY: _("A billing mode change was already asked for today. You can change the billing mode again tomorrow."),
    Refusal.UNCHANGED: _("The account is already billed in this mode."),
    Refusal.ALREADY_PENDING: _("A change to this billing mode is already pending."),
    Refusal.PENDING_OTHER: _(
        "Another billing mode change is pending. Cancel it by switching back to the mode in force, or wait until it takes effect."
    ),
    Refusal.CONTRACT_ONLY: _(
        "The monthly 95th percentile bandwidth mode is for contract customers and is set by your account manager."
    ),
}


@dataclass(frozen=True)
class Pending:
    """A change asked for but not in force yet."""

    mode: str
    effective_on: date


@dataclass(frozen=True)
class ChangeDecision:
    """The rule's answer: the first billing day under the requested mode, or the refusal's code."""

    refusal: Refusal | None = None
    effective_on: date | None = None
    # The request cancels the pending change (it switches back to the mode in force).
    cancels_pending: bool = False

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def change_decide(
    *,
    today: date,
    in_force: str,
    pending: Pending | None,
    last_asked_on: date | None,
    requested: str,
    usage_today: bool,
    staff: bool = False,
) -> ChangeDecision:
    """Whether a request (made on billing day `today`) to bill in `requested` is allowed, and from
    which billing day. `usage_today`: the account has traffic usage recorded for `today` (what the
    mode in force bills); `last_asked_on`: the day of the account's latest request, if any."""
    if not staff and (requested not in CUSTOMER_MODES or in_force not in CUSTOMER_MODES):
        return ChangeDecision(refusal=Refusal.CONTRACT_ONLY)
    if last_asked_on == today:
        return ChangeDecision(refusal=Refusal.CHANGED_TODAY)
    if pending is not None:
        if requested == pending.mode:
            return ChangeDecision(refusal=Refusal.ALREADY_PENDING)
        if requested == in_force:
            return ChangeDecision(effective_on=pending.effective_on, cancels_pending=True)
        return ChangeDecision(refusal=Refusal.PENDING_OTHER)
    if requested == in_force:
        return ChangeDecision(refusal=Refusal.UNCHANGED)
    return ChangeDecision(effective_on=today + timedelta(days=2 if usage_today else 1))


@dataclass(frozen=True)
class HistoryRow:
    """What the rule reads of a `BillingModeChange`."""

    id: int
    from_mode: str
    to_mode: str
    effective_on: date


def mode_on(day: date, rows: list[HistoryRow], *, default: str) -> str:
    """The mode in force on billing day `day`: the `to_mode` of the latest row (by effective day,
    then id) taking effect on or before it, else the `from_mode` of the first row, else `default`
    (an account that never changed). `billing_mode_on_day` says the same in SQL."""
    in_effect = [row for row in rows if row.effective_on <= day]
    if in_effect:
        return max(in_effect, key=lambda row: (row.effective_on, row.id)).to_mode
    if rows:
        return min(rows, key=lambda row: (row.effective_on, row.id)).from_mode
    return default


@dataclass(frozen=True)
class AccountModes:
    """What `Account` keeps of the history (`billing_mode`, `billing_mode_next`,
    `billing_mode_next_from`): the mode before the latest row takes effect, and the latest row's
    mode and day when it differs."""

    billing_mode: str
    next_mode: str
    next_from: date | None


def account_modes(rows: list[HistoryRow], *, default: str) -> AccountModes:
    """`Account`'s kept fields derived from its whole history; `Account.billing_mode_on` then
    agrees with `mode_on` for every day from the day before the latest row takes effect."""
    if not rows:
        return AccountModes(billing_mode=default, next_mode="", next_from=None)
    latest = max(rows, key=lambda row: (row.effective_on, row.id))
    before = mode_on(latest.effective_on - timedelta(days=1), rows, default=default)
    if latest.to_mode == before:
        return AccountModes(billing_mode=before, next_mode="", next_from=None)
    return AccountModes(billing_mode=before, next_mode=latest.to_mode, next_from=latest.effective_on)


def pending_of(*, modes: AccountModes, today: date) -> Pending | None:
    """The change still waiting to take effect on `today`, if any."""
    if modes.next_mode and modes.next_from > today:
        return Pending(mode=modes.next_mode, effective_on=modes.next_from)
    return None

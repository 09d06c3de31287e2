"""Top-ups: money paid into an account settles what it owes first, then credits cash.

`account_top_up` is the one path (the console's Top up dialog, the admin's "record a payment" and
the `top_up` command all call it). It locks the account (`console.packages.locks`), answers a
replay of its idempotency key with the first top-up, posts the owed and cash entries through the
ledger, and lets the lifecycle (`console.billing.arrears`) lift an overdue suspension in the same
transaction, so a top-up racing the billing run or the sweep on one account has exactly one outcome.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from console.accounts.models import Account, AccountStatus
from console.accounts.permissions import MemberAction, member_require
from console.billing.arrears import Event, standing_apply_locked
from console.billing.hooks import StandingChange
from console.billing.models import TopUp, TopUpChannel
from console.billing.payments import STAFF, payment_provider
from console.core import clock
from console.core.audit import AuditAction, audit_record
from console.core.errors import IdempotencyKeyMismatch, InvalidRequest
from console.core.money import is_cents
from console.ledger.memos import Memo
from console.ledger.models import Bucket, LedgerKind
from console.ledger.services import ledger_post
from console.packages.locks import account_lock

MIN_TOP_UP = Decimal("0.01")
MAX_TOP_UP = Decimal("1000000.00")
ZERO = Decimal("0.00")


class TopUpRefused(InvalidRequest):
    code = "top_up_invalid_amount"
    default_message = _("Enter an amount of at least USD 0.01 and at most USD 1,000,000.00, in whole cents.")


@dataclass(frozen=True)
class TopUpSplit:
    """What a top-up of `amount` would do now: the dialog's confirmation and the service agree."""

    amount: Decimal
    to_owed: Decimal
    to_cash: Decimal
    owed_after: Decimal
    lifts: bool  # brings an account in arrears, suspended or repossessed back to good standing


def top_up_split(*, account: Account, amount: Decimal) -> TopUpSplit:
    to_owed = min(amount, account.owed_balance)
    owed_after = account.owed_balance - to_owed
    overdue = account.status in (AccountStatus.IN_ARREARS, AccountStatus.SUSPENDED_OVERDUE, AccountStatus.REPOSSESSED)
    return TopUpSplit(amount=amount, to_owed=to_owed, to_cash=amount - to_owed, owed_after=owed_after, lifts=overdue and owed_after == 0)


def top_up_amount_parse(raw) -> Decimal:
    try:
        amount = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise TopUpRefused(field="amount") from None
    if not amount.is_finite() or not is_cents(amount) or not MIN_TOP_UP <= amount <= MAX_TOP_UP:
        raise TopUpRefused(field="amount")
    return amount.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class TopUpResult:
    top_up: TopUp
    replayed: bool
    changes: tuple[StandingChange, ...] = ()

    @property
    def lifted(self) -> bool:
        return self.top_up.lifted_suspension or any(c.event == Event.LIFTED for c in self.changes)


def account_top_up(
    *,
    account_id: int,
    amount: Decimal,
    idempotency_key: str,
    channel: TopUpChannel,
    actor=None,
    member=None,
    note: str = "",
) -> TopUpResult:
    """Pay `amount` into the account: the amount owed first, the rest to cash; a top-up that
    settles everything owed lifts an overdue suspension (never one for violations) at once."""
    amount = top_up_amount_parse(amount)
    if not idempotency_key or len(idempotency_key) > 64:
        raise InvalidRequest(_("The confirmation is not valid; close the dialog and start again."), field="idempotency_key")
    if member is not None:
        member_require(member, MemberAction.BUY)
    provider = payment_provider() if channel == TopUpChannel.CONSOLE else STAFF
    with transaction.atomic(durable=True):
        account = account_lock(account_id)
        first = TopUp.objects.filter(account=account, idempotency_key=idempotency_key).first()
        if first is not None:
            if first.amount != amount:
                raise IdempotencyKeyMismatch(_("This confirmation was already used for a top-up of another amount. Close the dialog and start again."))
            return TopUpResult(top_up=first, replayed=True)
        split = top_up_split(account=account, amount=amount)
        now = clock.now()
        top_up = TopUp.objects.create(
            account=account, idempotency_key=idempotency_key, amount=amount, to_owed=split.to_owed,
            to_cash=split.to_cash, channel=channel, provider=provider.name,
            provider_reference=provider.charge(amount=amount, idempotency_key=f"{account.pk}:{idempotency_key}") if provider.name != "staff" else note[:80],
            status_before=account.status, status_after=account.status, note=note, created_at=now,
            created_by=actor if actor is not None and actor.pk else None,
        )
        reference, memo = f"top_up:{top_up.pk}", Memo.top_up(receipt=top_up.receipt_code)
        if split.to_owed:
            ledger_post(account=account, bucket=Bucket.OWED, amount=-split.to_owed, kind=LedgerKind.SETTLEMENT, reference=reference, memo=memo)
        if split.to_cash:
            ledger_post(account=account, bucket=Bucket.CASH, amount=split.to_cash, kind=LedgerKind.TOP_UP, reference=reference, memo=memo)
        changes = standing_apply_locked(account, now=now, actor=actor, cause=reference)
        top_up.status_after = account.status
        top_up.save(update_fields=["status_after"])
        audit_record(
            actor=actor, action=AuditAction.ACCOUNT_TOPPED_UP, obj=top_up, account=account,
            before={"status": top_up.status_before}, after={"status": account.status, "owed": str(account.owed_balance)},
            verdict={"amount": str(amount), "to_owed": str(split.to_owed), "to_cash": str(split.to_cash), "channel": channel},
        )
    return TopUpResult(top_up=top_up, replayed=False, changes=tuple(changes))

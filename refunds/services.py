"""The one way money comes back for a package, for self-service and ticket approvals alike."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from console.accounts.models import Account, Member
from console.billing.arrears import standing_apply_locked
from console.core import clock
from console.core.audit import AuditAction, audit_record
from console.core.errors import Conflict, IdempotencyKeyReused, InvalidRequest
from console.ledger.models import Bucket, LedgerEntry, LedgerKind
from console.ledger.memos import Memo
from console.ledger.services import ledger_post
from console.notifications.models import ReminderKind
from console.notifications.services import account_notify
from console.packages.locks import package_accounts_lock, packages_lock
from console.packages.models import Package
from console.packages.selectors import PackageNotFound
from console.templatetags.console_format import zoned
from refunds import policy, selectors
from refunds.models import Refund


class RefundRefused(Conflict):
    """The policy says no. `code` is the first blocking reason's stable code; `verdict` has them all."""

    def __init__(self, verdict: policy.Verdict):
        super().__init__(" ".join(verdict.messages), code=str(verdict.reasons[0]))
        self.verdict = verdict


@dataclass(frozen=True)
class RefundResult:
    refund: Refund
    verdict: policy.Verdict | None
    replayed: bool


@dataclass(frozen=True, kw_only=True)
class RefundRequest:
    """One request to refund a package, from whichever channel asks.

    `channel` is where it was asked for (the console, the API, a ticket); the policy treats the
    console and the API alike as self-service. `member` is the customer asking (None when staff
    approve a ticket); `overrule_abuse_note` is a ticket reviewer's written reason to overrule a
    suspicion of abuse; `sub_product_code` and `region_code` are an API request's, recorded.
    """

    package_id: int
    owner: Account
    actor: AbstractBaseUser
    idempotency_key: str
    channel: policy.Channel = policy.Channel.SELF_SERVICE
    member: Member | None = None
    reason: str = ""
    overrule_abuse_note: str = ""
    sub_product_code: str = ""
    region_code: str = ""

    def __post_init__(self):
        if not self.idempotency_key:
            raise InvalidRequest(_("A refund needs an idempotency key."))
        if self.overrule_abuse_note and self.channel != policy.Channel.TICKET:
            raise ValueError("Only a ticket review may overrule a suspicion of refund abuse")
        if (self.sub_product_code or self.region_code) and self.channel != policy.Channel.API:
            raise ValueError("SubProductCode and RegionCode are recorded for API refunds only")


def package_refund(request: RefundRequest) -> RefundResult:
    """Refund `request.package_id`, owned by `request.owner`, if the policy allows it now.

    A top-level action: its own durable transaction, which no caller can wrap (a ticket approval,
    which refunds as one step of its own transaction, calls `package_refund_within`).
    Raises PackageNotFound when the package is not the owner's, RefundRefused with the verdict
    when the policy says no (nothing changes, the attempt is audited), IdempotencyKeyReused when
    the account's key refunded another package, and returns the first result again when called
    with a key that already refunded this package.
    """
    return _refund_in(transaction.atomic(durable=True), request)


def package_refund_within(request: RefundRequest) -> RefundResult:
    """`package_refund` as one step of the caller's transaction (a ticket approval, whose
    resolution commits with the refund or not at all). The refund runs in a savepoint: a refusal
    keeps its audit row, a taken key rolls back only the refund."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("package_refund_within must run inside the caller's transaction; use package_refund")
    return _refund_in(transaction.atomic(), request)


def _refund_in(block: transaction.Atomic, request: RefundRequest) -> RefundResult:
    """The refund step in `block`; a refusal is raised once the block has committed its audit row."""
    try:
        with block:
            outcome = _refund_step(request)
    except IntegrityError:
        # The refund's insert found the account's key taken by a request that committed first.
        # The block was rolled back.
        outcome = _replayed(request)
        if outcome is None:
            raise
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _refund_step(request: RefundRequest) -> "RefundResult | RefundRefused | PackageNotFound":
    """Lock, decide and write, in the caller's atomic block. A refusal is returned, not raised, so
    the block commits its audit row."""
    owner, package_id = request.owner, request.package_id
    # The owner's and the payer's accounts, then the package: the lock order. A package that is
    # not the owner's locks only the owner's account, for as long as the audit takes.
    accounts = package_accounts_lock(package_id=package_id, owner_id=owner.pk)
    # The spec comes along for the receipt (packages_lock locks the package row only).
    locked = packages_lock(Package.objects.filter(pk=package_id, owner=owner).select_related("spec"))
    if not locked:
        audit_record(
            actor=request.actor, action=AuditAction.REFUND_NOT_FOUND, obj=owner, account=owner,
            note=f"Refund requested for package {package_id}, which is not this account's.",
        )
        return PackageNotFound()
    (package,) = locked
    package.owner, package.payer = accounts[owner.pk], accounts[package.payer_id]
    now = clock.now()
    verdict = selectors.refund_verdict(
        package,
        account_facts=selectors.account_facts(package.owner, now=now),
        now=now,
        member=request.member,
        via=request.channel,
        overrule_abuse=bool(request.overrule_abuse_note.strip()),
    )
    if not verdict.eligible:
        # The key is looked up only here: a key that already refunded this package finds it
        # refunded, so the verdict says no and the replay answers.
        replay = _replayed(request)
        if replay is not None:
            return replay
        audit_record(
            actor=request.actor, action=AuditAction.REFUND_REFUSED, obj=package, account=package.owner,
            verdict=verdict.as_record(),
        )
        return RefundRefused(verdict)
    refund = _refund_locked(package=package, request=request, verdict=verdict, now=now)
    return RefundResult(refund=refund, verdict=verdict, replayed=False)


def _replayed(request: RefundRequest) -> RefundResult | None:
    """The first result of the account's request that used this key, or None when none did.
    Raises IdempotencyKeyReused when that request refunded another package."""
    existing = Refund.objects.filter(owner=request.owner, idempotency_key=request.idempotency_key).first()
    if existing is None:
        return None
    if existing.package_id != request.package_id:
        raise IdempotencyKeyReused()
    return RefundResult(refund=existing, verdict=None, replayed=True)


def _refund_locked(*, package: Package, request: RefundRequest, verdict: policy.Verdict, now) -> Refund:
    before = {"refunded_at": None, "status": "unrefunded"}
    amounts = verdict.refund
    # No savepoint: a taken key fails the whole refund, and package_refund answers it.
    refund = Refund.objects.create(
        package=package,
        owner=package.owner,
        payer=package.payer,
        idempotency_key=request.idempotency_key,
        channel=request.channel,
        requested_by=request.actor,
        reason=request.reason,
        cash=amounts.cash,
        commission=amounts.commission,
        free=amounts.free,
        created_at=now,
        sub_product_code=request.sub_product_code,
        region_code=request.region_code,
    )
    # In arrears, the refund's cash pays what the payer owes first (the debt is a cash debt: bills
    # charge cash); commission and free credits go back to their own buckets.
    to_owed = refund_owed_part(owed=package.payer.owed_balance, cash=amounts.cash)
    if to_owed:
        ledger_post(
            account=package.payer, bucket=Bucket.OWED, amount=-to_owed, kind=LedgerKind.SETTLEMENT,
            package=package, reference=f"refund:{refund.pk}", memo=Memo.refund_settles_owed(code=package.code),
        )
    for bucket, amount in ((Bucket.CASH, amounts.cash - to_owed), (Bucket.COMMISSION, amounts.commission), (Bucket.FREE, amounts.free)):
        if amount:
            ledger_post(
                account=package.payer, bucket=bucket, amount=amount, kind=LedgerKind.REFUND,
                package=package, reference=f"refund:{refund.pk}", memo=Memo.refund(code=package.code),
            )
    if to_owed:
        # A refund that settles everything owed lifts an overdue suspension, in this transaction.
        standing_apply_locked(package.payer, now=now, actor=request.actor, cause=f"refund:{refund.pk}")
    package.refunded_at = now
    package.refunded_cash, package.refunded_commission, package.refunded_free = (
        amounts.cash, amounts.commission, amounts.free,
    )
    package.auto_renew = False
    package.save(update_fields=["refunded_at", "refunded_cash", "refunded_commission", "refunded_free", "auto_renew"])
    audit_record(
        actor=request.actor, action=AuditAction.REFUND_COMPLETED, obj=package, account=package.owner,
        before=before,
        after={
            "refunded_at": now, "refund_id": refund.pk, "order_id": refund.order_id, "channel": str(request.channel),
            "total": amounts.total,
        },
        verdict=verdict.as_record(), note=request.overrule_abuse_note,
    )
    _send_receipt(refund, paid_owed=to_owed)
    return refund


def refund_owed_part(*, owed: Decimal, cash: Decimal) -> Decimal:
    """How much of a refund's cash pays what the payer owes: all of it up to the amount owed."""
    return min(owed, cash)


def refund_paid_owed(refund: Refund) -> Decimal:
    """What the refund paid towards the amount owed (its owed-bucket entry), for the receipt."""
    return -sum(
        LedgerEntry.objects.filter(reference=f"refund:{refund.pk}", bucket=Bucket.OWED).values_list("amount", flat=True),
        Decimal("0.00"),
    )


def receipt_text(refund: Refund, *, paid_owed: Decimal | None = None) -> tuple[str, str]:
    """The refund receipt's subject and body in the active language: the order ID, the refund
    time with its zone, every amount with its currency, and where the money went."""
    package, payer = refund.package, refund.payer
    subject = _("Refund of CSS package %(code)s") % {"code": package.code}
    body = _(
        "We refunded package %(code)s (%(spec)s).\n"
        "Order ID: %(order_id)s\nRefunded at: %(time)s\n"
        "Cash: USD %(cash)s\nCommission credits: USD %(commission)s\nFree credits: USD %(free)s\n"
        "Total: USD %(total)s, credited to %(payer)s (UIN %(uin)s).\n"
        "Discounts and vouchers used for the purchase are not refunded."
    ) % {
        "code": package.code, "spec": package.spec.label, "order_id": refund.order_id,
        "time": zoned(refund.created_at), "cash": refund.cash, "commission": refund.commission,
        "free": refund.free, "total": refund.total, "payer": payer.name, "uin": payer.uin,
    }
    if paid_owed is None:
        paid_owed = refund_paid_owed(refund)
    if paid_owed:
        body += "\n" + _(
            "Of the cash, USD %(owed)s paid what the account owed and USD %(cash)s went to its cash balance."
        ) % {"owed": paid_owed, "cash": refund.cash - paid_owed}
    return subject, body


def _send_receipt(refund: Refund, *, paid_owed: Decimal) -> None:
    """The receipt goes to the customer: the people the account's owner chose for refund
    receipts (the owner by default), in their Message Center and by e-mail, each in their own
    language, whoever asked for the refund (a sub-user, an API key, staff approving a ticket).
    Written in the refund's transaction; the mail is sent after commit and retried, which never
    changes the answer to the person who refunded."""
    account_notify(
        account_id=refund.owner_id, kind=ReminderKind.REFUND, key=f"refund-receipt:{refund.pk}",
        write=lambda: receipt_text(refund, paid_owed=paid_owed),
    )

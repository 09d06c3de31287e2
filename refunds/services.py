"""The one way money comes back for a package, for self-service and ticket approvals alike."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from console.accounts.models import Account, Member
from console.accounts.preferences import user_language
from console.core import clock
from console.core.audit import AuditAction, audit_record
from console.core.errors import Conflict, IdempotencyKeyReused, InvalidRequest
from console.ledger.models import Bucket, LedgerKind
from console.ledger.memos import Memo
from console.ledger.services import ledger_post
from console.notifications.services import mail_queue
from console.packages.locks import package_accounts_lock, packages_lock
from console.packages.models import Package
from console.packages.selectors import PackageNotFound
from refunds import policy, selectors
from refunds.models import Refund, RefundChannel


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


def package_refund(
    *,
    package_id: int,
    owner: Account,
    actor: AbstractBaseUser,
    idempotency_key: str,
    reason: str = "",
    member: Member | None = None,
    via: policy.Channel = policy.Channel.SELF_SERVICE,
    overrule_abuse_note: str = "",
    channel: RefundChannel | None = None,
    sub_product_code: str = "",
    region_code: str = "",
    receipt_language: str | None = None,
) -> RefundResult:
    """Refund `package_id`, owned by `owner`, if the policy allows it now.

    Raises PackageNotFound when the package is not the owner's, RefundRefused with the verdict
    when the policy says no (nothing changes, the attempt is audited), and returns the first
    result again when called with an idempotency key that already refunded this package.
    `channel` records where it was asked for when that is not `via` (the API is self-service
    under the policy); `sub_product_code` and `region_code` are the API request's, recorded.
    `receipt_language` is the actor's language when the caller knows it without asking the
    database (a request's session); otherwise the receipt reads the actor's stored choice.
    """
    if not idempotency_key:
        raise InvalidRequest(_("A refund needs an idempotency key."))
    refused: policy.Verdict | None = None
    try:
        with transaction.atomic():
            # The owner's and the payer's accounts, then the package: the lock order. A package
            # that is not the owner's locks only the owner's account, for as long as the audit takes.
            accounts = package_accounts_lock(package_id=package_id, owner_id=owner.pk)
            # The spec comes along for the receipt (packages_lock locks the package row only).
            locked = packages_lock(Package.objects.filter(pk=package_id, owner=owner).select_related("spec"))
            if not locked:
                audit_record(
                    actor=actor, action=AuditAction.REFUND_NOT_FOUND, obj=owner, account=owner,
                    note=f"Refund requested for package {package_id}, which is not this account's.",
                )
            else:
                (package,) = locked
                package.owner, package.payer = accounts[owner.pk], accounts[package.payer_id]
                now = clock.now()
                verdict = selectors.refund_verdict(
                    package,
                    account_facts=selectors.account_facts(package.owner, now=now),
                    now=now,
                    member=member,
                    via=via,
                    overrule_abuse=bool(overrule_abuse_note.strip()),
                )
                if not verdict.eligible:
                    # The key is looked up only here: a key that already refunded this package
                    # finds it refunded, so the verdict says no and the replay answers.
                    replay = _replayed(idempotency_key, package_id=package.pk)
                    if replay is not None:
                        return replay
                    audit_record(
                        actor=actor, action=AuditAction.REFUND_REFUSED, obj=package, account=package.owner,
                        verdict=verdict.as_record(),
                    )
                    refused = verdict
                else:
                    refund = _refund_locked(
                        package=package, actor=actor, idempotency_key=idempotency_key, reason=reason,
                        via=via, verdict=verdict, now=now, note=overrule_abuse_note,
                        channel=channel or RefundChannel(str(via)),
                        recorded={"sub_product_code": sub_product_code, "region_code": region_code},
                        receipt_language=receipt_language,
                    )
    except IntegrityError:
        # The refund's insert found the key taken: by another account's request (each holds only
        # its own accounts' locks), committed before ours. Everything was rolled back.
        replay = _replayed(idempotency_key, package_id=package_id)
        if replay is None:
            raise
        return replay
    if not locked:
        raise PackageNotFound()
    if refused is not None:
        raise RefundRefused(refused)
    return RefundResult(refund=refund, verdict=verdict, replayed=False)


def _replayed(idempotency_key: str, *, package_id: int) -> RefundResult | None:
    """The first result of the request that used `idempotency_key`, or None when none did.
    Raises IdempotencyKeyReused when that request refunded another package."""
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    if existing.package_id != package_id:
        raise IdempotencyKeyReused()
    return RefundResult(refund=existing, verdict=None, replayed=True)


def _refund_locked(
    *, package, actor, idempotency_key, reason, via, verdict, now, note, channel, recorded, receipt_language
) -> Refund:
    before = {"refunded_at": None, "status": "unrefunded"}
    amounts = verdict.refund
    # No savepoint: a taken key fails the whole refund, and package_refund answers it.
    refund = Refund.objects.create(
        package=package,
        owner=package.owner,
        payer=package.payer,
        idempotency_key=idempotency_key,
        channel=channel,
        requested_by=actor,
        reason=reason,
        cash=amounts.cash,
        commission=amounts.commission,
        free=amounts.free,
        created_at=now,
        **recorded,
    )
    for bucket, amount in ((Bucket.CASH, amounts.cash), (Bucket.COMMISSION, amounts.commission), (Bucket.FREE, amounts.free)):
        if amount:
            ledger_post(
                account=package.payer, bucket=bucket, amount=amount, kind=LedgerKind.REFUND,
                package=package, reference=f"refund:{refund.pk}", memo=Memo.refund(code=package.code),
            )
    package.refunded_at = now
    package.refunded_cash, package.refunded_commission, package.refunded_free = (
        amounts.cash, amounts.commission, amounts.free,
    )
    package.auto_renew = False
    package.save(update_fields=["refunded_at", "refunded_cash", "refunded_commission", "refunded_free", "auto_renew"])
    audit_record(
        actor=actor, action=AuditAction.REFUND_COMPLETED, obj=package, account=package.owner,
        before=before,
        after={
            "refunded_at": now, "refund_id": refund.pk, "order_id": refund.order_id, "channel": str(channel),
            "total": amounts.total,
        },
        verdict=verdict.as_record(), note=note,
    )
    _send_receipt(refund, language=receipt_language or user_language(actor))
    return refund


def _send_receipt(refund: Refund, *, language: str) -> None:
    """Queue the receipt in the refund's transaction; a task mails it after commit and retries a
    failed delivery, which is logged and never changes the answer to the person who refunded.
    `language` is that of the person it goes to (their choice in the console, else English)."""
    package, payer = refund.package, refund.payer
    with translation.override(language):
        subject = _("Refund of CSS package %(code)s") % {"code": package.code}
        body = _(
            "We refunded package %(code)s (%(spec)s).\n"
            "Cash: %(cash)s\nCommission credits: %(commission)s\nFree credits: %(free)s\n"
            "Total: USD %(total)s, credited to %(payer)s (UIN %(uin)s).\n"
            "Discounts and vouchers used for the purchase are not refunded."
        ) % {
            "code": package.code, "spec": package.spec.label, "cash": refund.cash,
            "commission": refund.commission, "free": refund.free, "total": refund.total,
            "payer": payer.name, "uin": payer.uin,
        }
    # The key names the refund this transaction created: it cannot be queued yet.
    mail_queue(key=f"refund-receipt:{refund.pk}", to=refund.requested_by.email, subject=subject, body=body, new_key=True)

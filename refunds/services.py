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
from console.ledger.services import ledger_post
from console.notifications.services import mail_queue
from console.packages.locks import accounts_lock, packages_lock
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
) -> RefundResult:
    """Refund `package_id`, owned by `owner`, if the policy allows it now.

    Raises PackageNotFound when the package is not the owner's, RefundRefused with the verdict
    when the policy says no (nothing changes, the attempt is audited), and returns the first
    result again when called with an idempotency key that already refunded this package.
    `channel` records where it was asked for when that is not `via` (the API is self-service
    under the policy); `sub_product_code` and `region_code` are the API request's, recorded.
    """
    if not idempotency_key:
        raise InvalidRequest(_("A refund needs an idempotency key."))
    refused: policy.Verdict | None = None
    with transaction.atomic():
        payer_id = Package.objects.filter(pk=package_id, owner=owner).values_list("payer_id", flat=True).first()
        if payer_id is None:
            audit_record(
                actor=actor, action=AuditAction.REFUND_NOT_FOUND, obj=owner, account=owner,
                note=f"Refund requested for package {package_id}, which is not this account's.",
            )
            not_found = True
        else:
            not_found = False
            accounts = accounts_lock({owner.pk, payer_id})
            (package,) = packages_lock(Package.objects.filter(pk=package_id))
            package.owner, package.payer = accounts[owner.pk], accounts[payer_id]

            existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                if existing.package_id != package.pk:
                    raise IdempotencyKeyReused()
                return RefundResult(refund=existing, verdict=None, replayed=True)

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
                )
    if not_found:
        raise PackageNotFound()
    if refused is not None:
        raise RefundRefused(refused)
    return RefundResult(refund=refund, verdict=verdict, replayed=False)


def _refund_locked(*, package, actor, idempotency_key, reason, via, verdict, now, note, channel, recorded) -> Refund:
    before = {"refunded_at": None, "status": "unrefunded"}
    amounts = verdict.refund
    try:
        # A savepoint: another account's request may have inserted the same key after our look-up
        # (each holds only its own account's lock); then the key is taken, as if we had found it.
        with transaction.atomic():
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
    except IntegrityError:
        if Refund.objects.filter(idempotency_key=idempotency_key).exclude(package=package).exists():
            raise IdempotencyKeyReused() from None
        raise
    for bucket, amount in ((Bucket.CASH, amounts.cash), (Bucket.COMMISSION, amounts.commission), (Bucket.FREE, amounts.free)):
        if amount:
            ledger_post(
                account=package.payer, bucket=bucket, amount=amount, kind=LedgerKind.REFUND,
                package=package, reference=f"refund:{refund.pk}", memo=f"Refund of {package.code}",
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
    _send_receipt(refund)
    return refund


def _send_receipt(refund: Refund) -> None:
    """Queue the receipt in the refund's transaction; a task mails it after commit and retries a
    failed delivery, which is logged and never changes the answer to the person who refunded."""
    package, payer = refund.package, refund.payer
    # In the language of the person it goes to (their choice in the console, else English).
    with translation.override(user_language(refund.requested_by)):
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
    mail_queue(key=f"refund-receipt:{refund.pk}", to=refund.requested_by.email, subject=subject, body=body)

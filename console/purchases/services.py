"""Buying packages: the quote shown in the dialog, and the one service that confirms it."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from console.accounts.models import Account, Member
from console.accounts.permissions import MemberAction, account_require_may_buy, member_require
from console.core import clock
from console.core.audit import AuditAction, audit_record
from console.core.errors import Conflict, IdempotencyKeyMismatch, InvalidRequest
from console.ledger.models import Bucket, LedgerKind
from console.ledger.memos import Memo
from console.ledger.services import ledger_post
from console.packages.locks import account_lock
from console.packages.models import Package, PackageSource, PackageSpec
from console.packages.services import package_code_new, package_expiry
from console.purchases.models import Purchase, Voucher
from console.purchases.selectors import purchase_quote


class PurchaseRefused(Conflict):
    """Nothing was bought. `field` names the dialog field the message belongs beside."""

    code = "purchase_refused"


@dataclass(frozen=True)
class PurchaseResult:
    package: Package
    replayed: bool


# --- writes ----------------------------------------------------------------------------------


def package_purchase(
    *,
    account: Account,
    member: Member,
    spec_id: int,
    shown_price: Decimal,
    idempotency_key: str,
    voucher_code: str = "",
) -> PurchaseResult:
    """Buy one package of `spec_id` for `account` at the price the dialog showed.

    Raises PermissionRefused when the member may not buy, AccountSuspended when the account is
    suspended for violating the rules, PurchaseRefused (nothing changes) for
    a stale price, a voucher that is not usable, or too little balance. The key is the account's:
    replayed with the same spec and price it returns the first purchase's package; with another
    spec or price it raises IdempotencyKeyMismatch (409) and buys nothing.
    A top-level action: its own durable transaction, which no caller can wrap.
    """
    if not idempotency_key:
        raise InvalidRequest(_("A purchase needs an idempotency key."))
    member_require(member, MemberAction.BUY)
    with transaction.atomic(durable=True):
        locked = account_lock(account.pk)
        # AccountSuspended (code account_suspended_violation) when the account may not buy.
        account_require_may_buy(locked)
        # Checked under the account lock, so a double-click waits for the first and finds it; keys
        # are unique per account, so no other account's request can take this one meanwhile.
        existing = (
            Purchase.objects.select_related("package").filter(account=locked, idempotency_key=idempotency_key).first()
        )
        if existing is not None:
            if (existing.package.spec_id, existing.package.list_price) != (spec_id, shown_price):
                raise IdempotencyKeyMismatch()
            return PurchaseResult(package=existing.package, replayed=True)

        spec = PackageSpec.objects.filter(pk=spec_id, on_sale=True).first()
        if spec is None:
            raise PurchaseRefused(_("This package is not on sale. Choose another one."), field="spec")
        if spec.list_price != shown_price:
            raise PurchaseRefused(
                _(
                    "The price changed from USD %(shown)s to USD %(price)s since the dialog "
                    "opened. Check the new price and confirm again."
                ) % {"shown": shown_price, "price": spec.list_price},
                field="spec",
            )
        now = clock.now()
        voucher = _voucher_locked(account=locked, code=voucher_code.strip(), now=now) if voucher_code.strip() else None
        package = buy_locked(
            account=locked, spec=spec, actor=member.user, idempotency_key=idempotency_key, voucher=voucher, now=now
        )
    account.refresh_from_db(fields=["cash_balance", "commission_balance", "free_balance"])
    return PurchaseResult(package=package, replayed=False)


def _voucher_locked(*, account: Account, code: str, now: datetime) -> Voucher:
    # Vouchers are locked after their account (console.packages.locks' order, then vouchers).
    voucher = Voucher.objects.select_for_update().filter(code=code).first()
    # Someone else's voucher reads the same as an unknown code: codes are not to be probed.
    if voucher is None or voucher.account_id != account.pk:
        raise PurchaseRefused(_("No voucher with this code belongs to your account."), field="voucher")
    if voucher.used_at is not None:
        raise PurchaseRefused(_("This voucher has already been used."), field="voucher")
    if voucher.valid_until <= now:
        raise PurchaseRefused(_("This voucher has expired."), field="voucher")
    return voucher


def buy_locked(
    *,
    account: Account,
    spec: PackageSpec,
    actor: AbstractBaseUser | None,
    idempotency_key: str,
    now: datetime,
    voucher: Voucher | None = None,
    auto_renew: bool = False,
) -> Package:
    """Create and pay for a package. The caller holds `account` locked inside a transaction."""
    quote = purchase_quote(account=account, spec=spec, voucher=voucher)
    if not quote.affordable:
        raise PurchaseRefused(
            _(
                "Not enough balance: USD %(due)s is due and USD %(short)s of it is not covered. "
                "Top up and try again."
            ) % {"due": quote.due, "short": quote.short},
            field="balance",
        )
    package = Package.objects.create(
        code=package_code_new(),
        owner=account,
        payer=account,
        spec=spec,
        kind=spec.kind,
        source=PackageSource.PURCHASED,
        total=spec.size,
        purchased_at=now,
        expires_at=package_expiry(now),
        auto_renew=auto_renew,
        list_price=quote.list_price,
        discount=quote.discount,
        voucher=quote.voucher,
        paid_cash=quote.paid_cash,
        paid_commission=quote.paid_commission,
        paid_free=quote.paid_free,
    )
    # Keys are unique per account and the caller holds the account's lock: no other request can
    # have taken this one since the caller looked.
    purchase = Purchase.objects.create(
        idempotency_key=idempotency_key, account=account, package=package, actor=actor,
        auto_renewal=auto_renew, created_at=now,
    )
    for bucket, amount in ((Bucket.FREE, quote.paid_free), (Bucket.COMMISSION, quote.paid_commission), (Bucket.CASH, quote.paid_cash)):
        if amount:
            ledger_post(
                account=account, bucket=bucket, amount=-amount, kind=LedgerKind.PURCHASE, package=package,
                reference=f"purchase:{purchase.pk}", memo=Memo.purchase(code=package.code, spec=spec),
            )
    if voucher is not None:
        voucher.used_at, voucher.package = now, package
        voucher.save(update_fields=["used_at", "package"])
    audit_record(
        actor=actor, action=AuditAction.PACKAGE_AUTO_RENEWED if auto_renew else AuditAction.PACKAGE_PURCHASED, obj=package, account=account,
        after={
            "spec": str(spec), "list_price": quote.list_price, "discount": quote.discount, "voucher": quote.voucher,
            "paid_free": quote.paid_free, "paid_commission": quote.paid_commission, "paid_cash": quote.paid_cash,
            "voucher_code": voucher.code if voucher else None,
        },
    )
    return package


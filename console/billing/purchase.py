"""Buying packages: the quote shown in the dialog, and the one service that confirms it."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Case, QuerySet, Value, When

from console import clock
from console.billing import pricing
from console.models import (
    Account,
    Bucket,
    Discount,
    LedgerKind,
    Member,
    Package,
    PackageKind,
    PackageSource,
    PackageSpec,
    Purchase,
    Voucher,
)
from console.services import audit_record, ledger_post

VALIDITY = timedelta(days=365)


class PurchaseRefused(Exception):
    """Nothing was bought. `field` names the dialog field the message belongs beside."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class IdempotencyKeyReused(Exception):
    """The request key already belongs to another account's purchase."""


@dataclass(frozen=True)
class PurchaseResult:
    package: Package
    replayed: bool


# --- reads -----------------------------------------------------------------------------------


def specs_on_sale() -> QuerySet[PackageSpec]:
    """In the console's order: traffic first, then transcoding, then the rest."""
    kind_order = Case(*(When(kind=kind, then=Value(i)) for i, kind in enumerate(PackageKind.values)))
    return PackageSpec.objects.filter(on_sale=True).order_by(kind_order, "size")


def discount_percent(spec: PackageSpec, discounts: list[Discount] | None = None) -> Decimal:
    """The best discount in force for `spec`; pass `discounts` to avoid a query per spec."""
    if discounts is None:
        discounts = list(Discount.objects.filter(active=True, kind=spec.kind))
    return max(
        (d.percent for d in discounts if d.active and d.kind == spec.kind and spec.size >= d.min_size),
        default=Decimal("0"),
    )


def vouchers_usable(account: Account, *, now: datetime) -> QuerySet[Voucher]:
    return Voucher.objects.filter(account=account, used_at__isnull=True, valid_until__gt=now)


def purchase_quote(*, account: Account, spec: PackageSpec, voucher: Voucher | None = None) -> pricing.Quote:
    return pricing.quote(
        list_price=spec.list_price,
        discount_percent=discount_percent(spec),
        voucher_amount=voucher.amount if voucher else Decimal("0.00"),
        free=account.free_balance,
        commission=account.commission_balance,
        cash=account.cash_balance,
    )


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

    Owners and sub-users with the refund grant (Member.may_refund) may buy. Raises
    PurchaseRefused (nothing changes) for a stale price, a voucher that is not usable, or too
    little balance; a replayed key returns the first purchase's package.
    """
    if not idempotency_key:
        raise ValueError("A purchase needs an idempotency key")
    if not member.may_refund:
        raise PurchaseRefused("__all__", "You do not have permission to buy packages. Ask the account owner.")
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        # Checked under the account lock, so a double-click waits for the first and finds it.
        existing = Purchase.objects.select_related("package").filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.account_id != locked.pk:
                raise IdempotencyKeyReused(idempotency_key)
            return PurchaseResult(package=existing.package, replayed=True)

        spec = PackageSpec.objects.filter(pk=spec_id, on_sale=True).first()
        if spec is None:
            raise PurchaseRefused("spec", "This package is not on sale. Choose another one.")
        if spec.list_price != shown_price:
            raise PurchaseRefused(
                "spec",
                f"The price changed from USD {shown_price} to USD {spec.list_price} since the dialog "
                "opened. Check the new price and confirm again.",
            )
        now = clock.now()
        voucher = _voucher_locked(account=locked, code=voucher_code.strip(), now=now) if voucher_code.strip() else None
        package = buy_locked(
            account=locked, spec=spec, actor=member.user, idempotency_key=idempotency_key, voucher=voucher, now=now
        )
    account.refresh_from_db(fields=["cash_balance", "commission_balance", "free_balance"])
    return PurchaseResult(package=package, replayed=False)


def _voucher_locked(*, account: Account, code: str, now: datetime) -> Voucher:
    voucher = Voucher.objects.select_for_update().filter(code=code).first()
    # Someone else's voucher reads the same as an unknown code: codes are not to be probed.
    if voucher is None or voucher.account_id != account.pk:
        raise PurchaseRefused("voucher", "No voucher with this code belongs to your account.")
    if voucher.used_at is not None:
        raise PurchaseRefused("voucher", "This voucher has already been used.")
    if voucher.valid_until <= now:
        raise PurchaseRefused("voucher", "This voucher has expired.")
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
            "balance", f"Not enough balance: USD {quote.due} is due and USD {quote.short} of it is not covered. Top up and try again."
        )
    package = Package.objects.create(
        code=f"lvpkg-{secrets.token_hex(6)}",
        owner=account,
        payer=account,
        spec=spec,
        kind=spec.kind,
        source=PackageSource.PURCHASED,
        total=spec.size,
        purchased_at=now,
        expires_at=now + VALIDITY,
        auto_renew=auto_renew,
        list_price=quote.list_price,
        discount=quote.discount,
        voucher=quote.voucher,
        paid_cash=quote.paid_cash,
        paid_commission=quote.paid_commission,
        paid_free=quote.paid_free,
    )
    purchase = Purchase.objects.create(
        idempotency_key=idempotency_key, account=account, package=package, actor=actor,
        auto_renewal=auto_renew, created_at=now,
    )
    for bucket, amount in ((Bucket.FREE, quote.paid_free), (Bucket.COMMISSION, quote.paid_commission), (Bucket.CASH, quote.paid_cash)):
        if amount:
            ledger_post(
                account=account, bucket=bucket, amount=-amount, kind=LedgerKind.PURCHASE, package=package,
                reference=f"purchase:{purchase.pk}", memo=f"Purchase of {package.code} ({spec})",
            )
    if voucher is not None:
        voucher.used_at, voucher.package = now, package
        voucher.save(update_fields=["used_at", "package"])
    audit_record(
        actor=actor, action="package.auto_renewed" if auto_renew else "package.purchased", obj=package, account=account,
        after={
            "spec": str(spec), "list_price": quote.list_price, "discount": quote.discount, "voucher": quote.voucher,
            "paid_free": quote.paid_free, "paid_commission": quote.paid_commission, "paid_cash": quote.paid_cash,
            "voucher_code": voucher.code if voucher else None,
        },
    )
    return package


def giveaway_grant(*, account: Account, spec: PackageSpec, actor: AbstractBaseUser, note: str = "") -> Package:
    """Staff give a package away: nothing is paid, it cannot be refunded, and it is audited."""
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        now = clock.now()
        package = Package.objects.create(
            code=f"lvpkg-{secrets.token_hex(6)}", owner=locked, payer=locked, spec=spec, kind=spec.kind,
            source=PackageSource.GIVEAWAY, total=spec.size, purchased_at=now, expires_at=now + VALIDITY,
            list_price=Decimal("0"),
        )
        audit_record(
            actor=actor, action="package.giveaway_granted", obj=package, account=locked,
            after={"spec": str(spec), "source": PackageSource.GIVEAWAY}, note=note,
        )
    return package

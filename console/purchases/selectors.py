"""Reads for buying: what is on sale, the discounts in force, usable vouchers and the quote."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Case, QuerySet, Value, When

from console.accounts.models import Account
from console.packages.models import PackageKind, PackageSpec
from console.purchases import pricing
from console.purchases.models import Discount, Voucher


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

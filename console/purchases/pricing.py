"""What a purchase costs and how it is paid: a pure function of the price, discount, voucher
and balances.

Payment order: the discount comes off the list price, then the voucher, and the rest is paid
from free credits first, then commission credits, then cash.
"""

from dataclasses import dataclass
from decimal import Decimal

from console.core.money import money


@dataclass(frozen=True)
class Quote:
    list_price: Decimal
    discount: Decimal
    voucher: Decimal
    paid_free: Decimal
    paid_commission: Decimal
    paid_cash: Decimal
    # What the balances could not cover; a purchase goes ahead only when this is zero.
    short: Decimal

    @property
    def due(self) -> Decimal:
        return self.list_price - self.discount - self.voucher

    @property
    def affordable(self) -> bool:
        return self.short == 0


def quote(
    *,
    list_price: Decimal,
    discount_percent: Decimal,
    voucher_amount: Decimal,
    free: Decimal,
    commission: Decimal,
    cash: Decimal,
) -> Quote:
    discount = money(list_price * discount_percent / 100)
    # A voucher larger than the rest is spent on this purchase only; the excess is not kept.
    voucher = min(voucher_amount, list_price - discount)
    due = list_price - discount - voucher
    paid_free = min(free, due)
    paid_commission = min(commission, due - paid_free)
    paid_cash = min(cash, due - paid_free - paid_commission)
    return Quote(
        list_price=list_price,
        discount=discount,
        voucher=voucher,
        paid_free=paid_free,
        paid_commission=paid_commission,
        paid_cash=paid_cash,
        short=due - paid_free - paid_commission - paid_cash,
    )

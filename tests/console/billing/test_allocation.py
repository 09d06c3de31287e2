from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from console.billing.allocation import Slot, allocate
from console.billing.rates import RATES, package_units
from console.purchases import pricing

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100000"), places=3)
remainders = st.lists(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("5000"), places=3), max_size=6)
ratios = st.sampled_from(sorted({rate.ratio for rate in RATES.values()}))
money = st.decimals(min_value=Decimal("0"), max_value=Decimal("500"), places=2)


@given(quantity=quantities, ratio=ratios, remaining=remainders)
def test_what_is_taken_and_what_is_left_over_add_up_to_the_need(quantity, ratio, remaining):
    takes, uncovered = allocate(quantity=quantity, ratio=ratio, slots=[Slot(i, r) for i, r in enumerate(remaining)])

    assert sum((t.amount for t in takes), Decimal(0)) + uncovered == package_units(quantity, ratio)


@given(quantity=quantities, ratio=ratios, remaining=remainders)
def test_no_package_gives_more_than_it_has_left(quantity, ratio, remaining):
    slots = [Slot(i, r) for i, r in enumerate(remaining)]

    takes, _ = allocate(quantity=quantity, ratio=ratio, slots=slots)

    for take in takes:
        assert 0 < take.amount <= remaining[take.package_id]
    assert all(slot.remaining >= 0 for slot in slots)


@given(quantity=quantities, ratio=ratios, remaining=remainders)
def test_packages_are_drawn_in_order_and_a_later_one_only_once_the_earlier_ones_are_empty(quantity, ratio, remaining):
    slots = [Slot(i, r) for i, r in enumerate(remaining)]

    takes, _ = allocate(quantity=quantity, ratio=ratio, slots=slots)

    drawn = [t.package_id for t in takes]
    assert drawn == sorted(drawn)
    assert all(slots[i].remaining == 0 for i in drawn[:-1])


@given(price=money, percent=st.sampled_from([Decimal("0"), Decimal("10")]), voucher=money, free=money, commission=money, cash=money)
def test_a_quote_always_adds_up_to_the_list_price(price, percent, voucher, free, commission, cash):
    quote = pricing.quote(
        list_price=price, discount_percent=percent, voucher_amount=voucher, free=free, commission=commission, cash=cash
    )

    paid = quote.paid_free + quote.paid_commission + quote.paid_cash
    assert quote.discount + quote.voucher + paid + quote.short == price
    assert min(quote.voucher, quote.paid_free, quote.paid_commission, quote.paid_cash, quote.short) >= 0


def test_free_credits_are_spent_before_commission_and_cash():
    quote = pricing.quote(
        list_price=Decimal("10.00"), discount_percent=Decimal("0"), voucher_amount=Decimal("0"),
        free=Decimal("4.00"), commission=Decimal("3.00"), cash=Decimal("100.00"),
    )

    assert (quote.paid_free, quote.paid_commission, quote.paid_cash) == (Decimal("4.00"), Decimal("3.00"), Decimal("3.00"))

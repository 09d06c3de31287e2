"""Money and quantities: exact decimals, never floats."""

from decimal import ROUND_HALF_UP, Decimal

# Field options for amounts of money (USD, cents).
MONEY = {"max_digits": 14, "decimal_places": 2}
# Field options for package quantities (GB or minutes, to three decimals).
QUANTITY = {"max_digits": 18, "decimal_places": 3}

CENT = Decimal("0.01")


def money(amount: Decimal) -> Decimal:
    """Round to cents, half up, as invoices are."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)

"""Money and quantities: exact decimals, never floats.

Python does the arithmetic, with `Decimal`, and the database stores the results as they are.
PostgreSQL keeps them as exact `numeric`, but SQLite keeps a decimal column as a binary float and
adds them up as floats (100000.00 - 11 x 3.88 is 99957.31999999995 there). So no new total is
left to a database `SUM` or `col + x`: the billing run and the ledger compute it in Python and
write the value. A check constraint that adds columns rounds the sum (`rounded_sum`). Where the
database must sum (the `check_ledger` reconciliation, over every
row), it sums integer minor units (`exact_units`): whole cents and thousandths, which SQLite adds
exactly too.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BigIntegerField, DecimalField, ExpressionWrapper, F, Value
from django.db.models.functions import Cast, Round

# Field options for amounts of money (USD, cents).
MONEY = {"max_digits": 14, "decimal_places": 2}
# Field options for package quantities (GB or minutes, to three decimals).
QUANTITY = {"max_digits": 18, "decimal_places": 3}

CENT = Decimal("0.01")


def money(amount: Decimal) -> Decimal:
    """Round to cents, half up, as invoices are."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def is_cents(amount: Decimal) -> bool:
    """True when `amount` is a whole number of cents (what a MONEY column stores without rounding)."""
    return amount == amount.quantize(CENT)


def exact_units(expression: F | str, places: int) -> Cast:
    """`expression` (a MONEY or QUANTITY column) as a whole number of its smallest unit (cents for
    2 places, thousandths for 3), computed by the database.

    A stored value is the nearest binary float to its decimal on SQLite, so scaling and rounding
    gives back the exact integer; sums of those integers are exact on every database.
    """
    column = F(expression) if isinstance(expression, str) else expression
    scaled = ExpressionWrapper(column * Value(10**places), output_field=DecimalField())
    return Cast(Round(scaled), output_field=BigIntegerField())


def rounded_sum(*columns: str, places: int = 2) -> Round:
    """The sum of `columns` rounded to `places`, for check constraints such as "the parts add up
    to the total": the same exact figure on PostgreSQL, while on SQLite, which adds the stored
    binary floats (0.64 + 0.05 is 0.6900000000000001 there), the float noise is rounded away."""
    total = F(columns[0])
    for column in columns[1:]:
        total = total + F(column)
    return Round(total, places)


def from_units(units: int | Decimal, places: int) -> Decimal:
    """The decimal that `units` of 10**-places make: from_units(1050, 2) == Decimal("10.50")."""
    return Decimal(int(units)).scaleb(-places)

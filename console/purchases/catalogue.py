"""The discounts in force on the purchase page, as data the migrations load, and the one call
that puts the whole price list back after a flush."""

from decimal import Decimal

from django.utils.translation import gettext_noop

from console.packages.catalogue import GB_PER_TB, specs_load

# (name, kind, minimum size in the kind's unit, percent off). The name is stored as written here and
# shown in the reader's language (`Discount.label`).
DISCOUNTS: list[tuple[str, str, int, str]] = [
    # xgettext:no-python-format
    (gettext_noop("10% off traffic packages of 10 TB or more"), "traffic", 10 * GB_PER_TB, "10.00"),
]


def discounts_load(discount_model) -> None:
    for name, kind, min_size, percent in DISCOUNTS:
        discount_model.objects.get_or_create(
            name=name, defaults={"kind": kind, "min_size": Decimal(min_size), "percent": Decimal(percent)}
        )


def reference_data_ensure() -> None:
    """Put back what the data migrations load, after something emptied the tables (a flush)."""
    from console.packages.models import PackageSpec
    from console.purchases.models import Discount

    specs_load(PackageSpec)
    discounts_load(Discount)

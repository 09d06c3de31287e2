"""Set-based consistency checks: balances against the ledger, `used` against deductions.

Exact on every database: the sums and the figures they are compared with are whole cents and
thousandths (`console.core.money.exact_units`), never decimals added as binary floats (which
SQLite does, and which once reported "recorded 99957.32, sum of entries 99957.32").
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BigIntegerField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from console.accounts.models import Account
from console.core.money import MONEY, QUANTITY, exact_units, from_units
from console.ledger.models import BALANCE_FIELD, Bucket, LedgerEntry
from console.packages.models import Deduction, Package

CENTS = MONEY["decimal_places"]
THOUSANDTHS = QUANTITY["decimal_places"]


@dataclass(frozen=True)
class Drift:
    subject: str
    recorded: Decimal
    summed: Decimal

    def __str__(self) -> str:
        return f"{self.subject}: recorded {self.recorded}, sum of entries {self.summed} (drift {self.recorded - self.summed:+})"


def _units_summed(queryset, group_by: str, places: int):
    # A correlated subquery per row keeps each sum independent of the other joins.
    total = queryset.order_by().values(group_by).annotate(s=Sum(exact_units("amount", places))).values("s")
    return Coalesce(Subquery(total), Value(0), output_field=BigIntegerField())


def ledger_drift() -> list[Drift]:
    """Every balance that differs from the sum of its ledger entries, and every package whose
    `used` differs from the sum of its deductions, by even a cent or a thousandth."""
    drift: list[Drift] = []
    units = {}
    for bucket in Bucket:
        units[f"recorded_{bucket.value}"] = exact_units(BALANCE_FIELD[bucket], CENTS)
        units[f"summed_{bucket.value}"] = _units_summed(
            LedgerEntry.objects.filter(account=OuterRef("pk"), bucket=bucket), "account", CENTS
        )
    accounts = Account.objects.annotate(**units).filter(
        Q(*[~Q(**{f"recorded_{b.value}": F(f"summed_{b.value}")}) for b in Bucket], _connector=Q.OR)
    )
    for account in accounts.order_by("pk"):
        for bucket in Bucket:
            recorded, summed = getattr(account, f"recorded_{bucket.value}"), getattr(account, f"summed_{bucket.value}")
            if recorded != summed:
                drift.append(
                    Drift(f"Account {account.uin} {bucket.label.lower()} balance", from_units(recorded, CENTS), from_units(summed, CENTS))
                )
    packages = (
        Package.objects.annotate(
            recorded=exact_units("used", THOUSANDTHS),
            summed=_units_summed(Deduction.objects.filter(package=OuterRef("pk")), "package", THOUSANDTHS),
        )
        .exclude(recorded=F("summed"))
        .order_by("pk")
    )
    for code, recorded, summed in packages.values_list("code", "recorded", "summed"):
        drift.append(Drift(f"Package {code} used", from_units(recorded, THOUSANDTHS), from_units(summed, THOUSANDTHS)))
    return drift

"""Set-based consistency checks: balances against the ledger, `used` against deductions."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from console.accounts.models import Account
from console.ledger.models import BALANCE_FIELD, Bucket, LedgerEntry
from console.packages.models import Deduction, Package


@dataclass(frozen=True)
class Drift:
    subject: str
    recorded: Decimal
    summed: Decimal

    def __str__(self) -> str:
        return f"{self.subject}: recorded {self.recorded}, sum of entries {self.summed} (drift {self.recorded - self.summed:+})"


def _sum_of(queryset, field: str):
    # A correlated subquery per row keeps each sum independent of the other joins.
    total = queryset.order_by().values(field).annotate(s=Sum("amount")).values("s")
    return Coalesce(Subquery(total), Value(Decimal("0")), output_field=DecimalField(max_digits=20, decimal_places=3))


def ledger_drift() -> list[Drift]:
    drift: list[Drift] = []
    sums = {
        bucket: _sum_of(LedgerEntry.objects.filter(account=OuterRef("pk"), bucket=bucket), "account")
        for bucket in Bucket
    }
    accounts = Account.objects.annotate(**{f"sum_{b.value}": s for b, s in sums.items()}).filter(
        Q(*[~Q(**{BALANCE_FIELD[b]: F(f"sum_{b.value}")}) for b in Bucket], _connector=Q.OR)
    )
    for account in accounts.order_by("pk"):
        for bucket in Bucket:
            recorded, summed = getattr(account, BALANCE_FIELD[bucket]), getattr(account, f"sum_{bucket.value}")
            if recorded != summed:
                drift.append(Drift(f"Account {account.uin} {bucket.label.lower()} balance", recorded, _like(summed, recorded)))
    packages = Package.objects.annotate(
        deducted=_sum_of(Deduction.objects.filter(package=OuterRef("pk")), "package")
    ).exclude(used=F("deducted"))
    for code, used, deducted in packages.order_by("pk").values_list("code", "used", "deducted"):
        drift.append(Drift(f"Package {code} used", used, _like(deducted, used)))
    return drift


def _like(value, model: Decimal) -> Decimal:
    # SQLite hands sums back without their scale; print them with the recorded figure's.
    return Decimal(value).quantize(model)

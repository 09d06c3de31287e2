"""How far a day's billing has got: for `run_billing`'s progress bar and the presenter panel.

Read from the data itself, so it is right however many workers bill and whichever of them died:
the accounts the day has to bill (every account with usage on the day, in whatever mode) and how many
of them have their daily bill.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from console.accounts.models import Account, billing_mark_cutoff
from console.billing.models import DailyBill, UsageRecord
from console.core import clock


@dataclass(frozen=True)
class BillingProgress:
    day: date
    accounts: int
    billed: int
    # Accounts marked "billing in progress" right now (a batch is running, or died and waits for its rerun).
    in_progress: int

    @property
    def done(self) -> bool:
        return self.billed >= self.accounts

    @property
    def percent(self) -> int:
        return 100 if not self.accounts else int(100 * self.billed / self.accounts)


def billing_progress(*, day: date) -> BillingProgress:
    """One pass over the day's accounts with usage (an index probe each for the bill), however long
    the bill history is."""
    to_bill = Account.objects.filter(pk__in=UsageRecord.objects.filter(day=day).values("account_id"))
    counts = to_bill.aggregate(
        accounts=Count("pk"),
        billed=Count("pk", filter=Exists(DailyBill.objects.filter(account=OuterRef("pk"), day=day))),
        in_progress=Count("pk", filter=Q(billing_started_at__gte=billing_mark_cutoff(now=clock.now()))),
    )
    return BillingProgress(day=day, **counts)

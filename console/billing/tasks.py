"""The daily billing over Celery workers: a day is split into shards of accounts, one task each.

`billing_dispatch` picks the accounts to bill (with usage on the day, no bill yet; each is billed
in the mode in force on the day), cuts them into shards of consecutive primary keys and queues one `bill_shard` per
shard; any number of workers, on any number of machines, take them. A shard bills its accounts
with `console.billing.run.bill_accounts`, a batch at a time.

Nothing is billed twice and nothing is lost:
- a shard is idempotent: the daily bill per account and day (a unique constraint, checked under
  the account locks) makes a second run, a redelivered task or an overlapping run skip what is
  billed;
- tasks are acknowledged late (after they finish) and rejected back to the queue when the
  worker process running them dies, so a shard whose worker was killed runs again elsewhere
  (with Redis after the visibility timeout) and bills the accounts the dead one had not;
- `bill_accounts` marks its accounts "billing in progress" and clears the marks in the same
  transaction as the bills; a batch killed half-way leaves its marks, and the shard's rerun
  marks and bills the same accounts and clears them.
"""

import logging
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable

from celery import shared_task
from celery.backends.base import DisabledBackend
from celery.result import AsyncResult
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Exists, OuterRef

from console.accounts.models import Account, BillingMode
from console.billing.hooks import ShardToBill, shard_watch
from console.billing.models import DailyBill, UsageRecord
from console.billing.run import DEFAULT_BATCH_SIZE, BillingSummary, bill_accounts
from console.billing.selectors import billing_mode_on_day
from console.core import clock

logger = logging.getLogger(__name__)

@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=False,
    # A deadlock victim or a busy SQLite file: the shard is idempotent, so it simply runs again.
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    retry_backoff_max=60,
    max_retries=5,
)
def bill_shard(self, day: str, first_account_id: int, last_account_id: int, batch_size: int = DEFAULT_BATCH_SIZE) -> dict:
    """Bill `day` (ISO date) for the accounts with primary keys from `first_account_id` to
    `last_account_id`, `batch_size` per transaction. Returns the shard's BillingSummary as JSON."""
    billing_day = date.fromisoformat(day)
    summary = BillingSummary(day=billing_day)
    ids = list(
        UsageRecord.objects.filter(day=billing_day, account_id__gte=first_account_id, account_id__lte=last_account_id)
        .order_by("account_id")
        .values_list("account_id", flat=True)
        .distinct()
    )
    # The areas above billing (the low-remaining reminders) watch each shard (console.billing.hooks).
    after_shard = shard_watch(ShardToBill(day=billing_day, account_ids=tuple(ids)))
    for start in range(0, len(ids), batch_size):
        summary.add(bill_accounts(ids[start:start + batch_size], day=billing_day))
    for after in after_shard:
        after()
    return summary_to_json(summary)


def summary_to_json(summary: BillingSummary) -> dict:
    data = asdict(summary)
    data["day"] = summary.day.isoformat()
    data["pay_as_you_go"], data["owed"] = str(summary.pay_as_you_go), str(summary.owed)
    return data


def summary_from_json(data: dict) -> BillingSummary:
    return BillingSummary(**{
        **data, "day": date.fromisoformat(data["day"]),
        "pay_as_you_go": Decimal(data["pay_as_you_go"]), "owed": Decimal(data["owed"]),
    })


def pending_accounts(*, day: date) -> list[int]:
    """The accounts `day` still has to bill: with usage, without a bill."""
    return list(
        Account.objects.filter(Exists(UsageRecord.objects.filter(account=OuterRef("pk"), day=day)))
        .exclude(Exists(DailyBill.objects.filter(account=OuterRef("pk"), day=day)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def frozen_accounts(*, day: date) -> int:
    """Accounts with usage on `day` billed by a bandwidth mode that day: their traffic packages stay frozen."""
    return (
        Account.objects.filter(Exists(UsageRecord.objects.filter(account=OuterRef("pk"), day=day)))
        .alias(mode=billing_mode_on_day(day))
        .exclude(mode=BillingMode.DAILY_TRAFFIC)
        .count()
    )


@dataclass
class BillingDispatch:
    """A day's shards as queued: (first, last) account primary keys and the task of each."""

    day: date
    account_ids: list[int]
    frozen_accounts: int
    shards: list[tuple[int, int]] = field(default_factory=list)
    # Accounts queued in each shard.
    sizes: list[int] = field(default_factory=list)
    results: list[AsyncResult] = field(default_factory=list)

    @property
    def accounts(self) -> int:
        return len(self.account_ids)

    @property
    def finished(self) -> int:
        return sum(1 for result in self.results if result.ready())

    @property
    def tracked(self) -> bool:
        """Whether the shards report back (a result backend is configured, or they ran here)."""
        return not any(isinstance(result.backend, DisabledBackend) for result in self.results)

    def accounts_done(self) -> int:
        """Accounts of the shards that have reported (for a progress bar that costs no query)."""
        return sum(size for size, result in zip(self.sizes, self.results) if result.ready())

    def failures(self) -> list[str]:
        return [
            f"accounts {first}-{last}: {result.result!r}"
            for (first, last), result in zip(self.shards, self.results)
            if result.ready() and result.failed()
        ]

    def summary(self) -> BillingSummary:
        """What the run billed, read from the bills of its accounts: a shard whose worker died
        half-way reports nothing, yet the accounts it billed before dying are billed. The
        auto-renewals, which leave no trace on the bill, come from the shards' reports."""
        total = BillingSummary(day=self.day, frozen_accounts=self.frozen_accounts)
        for start in range(0, len(self.account_ids), 1000):
            for deducted, charged, owed in DailyBill.objects.filter(
                day=self.day, account_id__in=self.account_ids[start:start + 1000]
            ).values_list("deducted_items", "pay_as_you_go", "owed"):
                total.accounts_billed += 1
                total.deductions += deducted
                total.pay_as_you_go += charged
                total.owed += owed
        for result in self.results:
            if result.ready() and result.successful():
                reported = summary_from_json(result.result)
                total.renewals += reported.renewals
                total.renewal_failures += reported.renewal_failures
        return total


def billing_dispatch(
    *,
    day: date,
    shard_size: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_queued: Callable[["BillingDispatch"], None] | None = None,
) -> BillingDispatch:
    """Queue `day`'s billing as shards of `shard_size` accounts (default BILLING_SHARD_SIZE).

    Without a broker the shards run here, one after the other, as they are queued; `on_queued`
    is called with the dispatch after each shard is queued (a progress bar moves meanwhile).
    """
    shard_size = shard_size or settings.BILLING_SHARD_SIZE
    ids = pending_accounts(day=day)
    dispatch = BillingDispatch(day=day, account_ids=ids, frozen_accounts=frozen_accounts(day=day))
    for start in range(0, len(ids), shard_size):
        chunk = ids[start:start + shard_size]
        dispatch.shards.append((chunk[0], chunk[-1]))
        dispatch.sizes.append(len(chunk))
        dispatch.results.append(bill_shard.delay(day.isoformat(), chunk[0], chunk[-1], batch_size))
        if on_queued is not None:
            on_queued(dispatch)
    return dispatch


@shared_task(acks_late=True, reject_on_worker_lost=True)
def billing_yesterday() -> int:
    """Daily, after midnight in the billing zone (beat): queue yesterday's shards. Returns their count."""
    dispatch = billing_dispatch(day=clock.today() - timedelta(days=1))
    logger.info("Queued billing of %s: %d accounts in %d shards", dispatch.day, dispatch.accounts, len(dispatch.shards))
    return len(dispatch.shards)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def usage_simulate_yesterday() -> int:
    """Demo mode only (beat): the demo accounts' usage for yesterday, before billing bills it."""
    if not settings.DEMO_MODE:
        return 0
    from console.billing.usage import usage_simulate

    return usage_simulate(day=clock.today() - timedelta(days=1))


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=5, max_retries=5)
def standing_sweep_task() -> int:
    """The overdue-payment lifecycle's clock (console.billing.arrears.standing_sweep): deadlines
    passed, repossession warnings and repossessions due. Idempotent; Celery beat runs it every
    few minutes."""
    from console.billing.arrears import standing_sweep

    return standing_sweep()

"""A batch of the billing run: `bill_accounts`, the unit a billing run (or a worker billing a
shard of accounts) is made of, and what it costs in queries."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from console.accounts.models import Account
from console.billing import run
from console.billing.models import DailyBill
from console.billing.run import bill_accounts, billing_run, day_bounds
from console.core import clock
from console.ledger.checks import ledger_drift
from console.ledger.models import LedgerEntry, LedgerKind
from console.packages.models import Deduction
from tests.factories import AccountFactory, FundedAccountFactory, PackageFactory, UsageRecordFactory

pytestmark = pytest.mark.django_db

# 07:30 on 10 March in Beijing: the day billed is the 9th.
NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
DAY = NOW.astimezone(clock.billing_zone()).date() - timedelta(days=1)
BOUGHT = day_bounds(DAY)[0] - timedelta(days=2)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def funded_accounts_paying_as_they_go(count: int) -> list[int]:
    """Accounts with cash, a 100 GB traffic and a 5-hour transcoding package each, and a day's
    usage that runs past both: every one gets deductions, a bill and a pay-as-you-go charge."""
    ids = []
    for _ in range(count):
        account = FundedAccountFactory(funds={"cash": "50.00"})
        PackageFactory(owner=account, spec_name="100 GB", purchased_at=BOUGHT)
        PackageFactory(owner=account, kind="transcode_standard", spec_name="5 hours", purchased_at=BOUGHT)
        UsageRecordFactory(account=account, day=DAY, quantity=Decimal("130"))
        UsageRecordFactory(account=account, day=DAY, package_kind="transcode_standard", item="h264:720p", quantity=Decimal("200"))
        ids.append(account.pk)
    return ids


def queries_to_bill(ids: list[int]) -> int:
    """The queries of a billing run that bills `ids` (and nothing else) in one batch."""
    with CaptureQueriesContext(connection) as queries:
        summary = billing_run(day=DAY, batch_size=1000)
    assert summary.accounts_billed == LedgerEntry.objects.filter(account_id__in=ids, kind=LedgerKind.PAY_AS_YOU_GO).count() == len(ids)
    return len(queries)


def test_a_batch_costs_the_same_queries_for_3_or_30_funded_accounts_paying_as_they_go(django_assert_max_num_queries):
    few, many = funded_accounts_paying_as_they_go(3), funded_accounts_paying_as_they_go(30)

    # Usage; mark (savepoint, lock, update, release); then in one savepoint: lock the accounts,
    # bills done, lock and read the packages, the day's billing modes and peaks, deductions,
    # packages' used, bills, ledger entries, balances, clear the markers, release.
    with django_assert_max_num_queries(18):
        bill_accounts(many, day=DAY)
    with django_assert_max_num_queries(18):
        bill_accounts(few, day=DAY)

    assert DailyBill.objects.count() == 33
    assert ledger_drift() == []


def test_the_batch_query_count_does_not_grow_with_the_funded_accounts_it_bills():
    few = funded_accounts_paying_as_they_go(3)
    billing_few = queries_to_bill(few)
    many = funded_accounts_paying_as_they_go(30)

    assert queries_to_bill(many) == billing_few


def test_each_account_paying_as_it_goes_gets_one_cash_entry_with_its_balance_after():
    ids = funded_accounts_paying_as_they_go(2)

    bill_accounts(ids, day=DAY)

    # 30 GB x 0.0529 = 1.59 and about 108 minutes x 0.0024 = 0.26, from 50.00 cash.
    for account in Account.objects.filter(pk__in=ids):
        (entry,) = LedgerEntry.objects.filter(account=account, kind=LedgerKind.PAY_AS_YOU_GO)
        bill = DailyBill.objects.get(account=account, day=DAY)
        assert (entry.amount, entry.balance_after) == (-bill.paid_cash, account.cash_balance)
        assert (entry.reference, bill.owed, account.cash_balance + bill.paid_cash) == (f"bill:{DAY}", 0, Decimal("50.00"))


def test_billing_the_same_accounts_again_bills_nothing_twice():
    ids = funded_accounts_paying_as_they_go(2)
    bill_accounts(ids, day=DAY)

    again = bill_accounts(ids, day=DAY)

    assert (again.accounts_billed, DailyBill.objects.count(), Deduction.objects.count()) == (0, 2, 4)
    assert LedgerEntry.objects.filter(kind=LedgerKind.PAY_AS_YOU_GO).count() == 2


def test_only_the_accounts_given_are_billed():
    given, other = funded_accounts_paying_as_they_go(2)

    bill_accounts([given], day=DAY)

    assert list(DailyBill.objects.values_list("account_id", flat=True)) == [given]
    assert not Account.objects.filter(billing_started_at__isnull=False).exists()


def test_an_account_without_usage_that_day_is_neither_billed_nor_marked():
    idle = AccountFactory()

    summary = bill_accounts([idle.pk], day=DAY)

    idle.refresh_from_db()
    assert (summary.accounts_billed, DailyBill.objects.count(), idle.billing_started_at) == (0, 0, None)


def test_a_run_is_the_sum_of_its_batches():
    funded_accounts_paying_as_they_go(5)

    summary = billing_run(day=DAY, batch_size=2)

    assert (summary.accounts_billed, summary.deductions) == (5, 10)
    assert summary.pay_as_you_go == sum(DailyBill.objects.values_list("pay_as_you_go", flat=True))


# --- batches on several connections (PostgreSQL) ----------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_batches_billed_on_two_connections_bill_every_account_once_and_reconcile():
    ids = funded_accounts_paying_as_they_go(6)

    summary = billing_run(day=DAY, batch_size=2, workers=2)

    assert (summary.accounts_billed, summary.deductions) == (6, 12)
    assert sorted(DailyBill.objects.values_list("account_id", flat=True)) == sorted(ids)
    assert LedgerEntry.objects.filter(kind=LedgerKind.PAY_AS_YOU_GO).count() == 6
    assert ledger_drift() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_batch_failing_on_one_connection_fails_the_run_leaves_no_marks_and_the_rerun_bills_the_rest():
    ids = funded_accounts_paying_as_they_go(6)
    real_write = run._Batch.write

    def fails_for_the_last_account(batch):
        if any(account.pk == ids[-1] for account, _ in batch.bills):
            raise RuntimeError("the database went away")
        real_write(batch)

    with mock.patch.object(run._Batch, "write", fails_for_the_last_account), pytest.raises(RuntimeError):
        billing_run(day=DAY, batch_size=2, workers=2)
    assert not Account.objects.filter(billing_started_at__isnull=False).exists()
    assert ids[-1] not in DailyBill.objects.values_list("account_id", flat=True)

    billing_run(day=DAY, batch_size=2, workers=2)

    assert sorted(DailyBill.objects.values_list("account_id", flat=True)) == sorted(ids)
    assert ledger_drift() == []

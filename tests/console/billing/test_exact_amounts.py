"""Quantities and money add up exactly on every database, and a failed batch leaves nothing behind."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest

from console.accounts.models import Account
from console.billing import run
from console.billing.models import DailyBill
from console.billing.run import billing_run, day_bounds
from console.core import clock
from console.ledger.checks import ledger_drift
from console.packages.models import Deduction, Package
from tests.factories import AccountFactory, FundedAccountFactory, PackageFactory, UsageRecordFactory

pytestmark = pytest.mark.django_db

# 07:30 on 10 March in Beijing: the day billed is the 9th.
NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
DAY = NOW.astimezone(clock.billing_zone()).date() - timedelta(days=1)
BOUGHT = day_bounds(DAY)[0] - timedelta(days=2)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def used_up_exactly_by_three_items(account):
    """A 100 GB package and three usage items converting to 28.064 + 35.968 + 35.968 = 100 GB.

    Added as binary floats in that order (the order they are deducted in), the three make
    100.00000000000001: more than the package holds.
    """
    package = PackageFactory(owner=account, spec_name="100 GB", purchased_at=BOUGHT)
    UsageRecordFactory(account=account, day=DAY, item="leb:mainland", quantity=Decimal("14.032"))  # x2
    UsageRecordFactory(account=account, day=DAY, item="lvb:mainland", quantity=Decimal("35.968"))
    UsageRecordFactory(account=account, day=DAY, item="upstream:mainland", quantity=Decimal("35.968"))
    return package


def test_a_package_used_up_exactly_by_three_deductions_in_one_day_is_billed_to_its_total():
    package = used_up_exactly_by_three_items(AccountFactory())

    billing_run(day=DAY)

    package.refresh_from_db()
    assert package.used == package.total == Decimal("100.000")
    assert sorted(Deduction.objects.filter(package=package).values_list("amount", flat=True)) == [
        Decimal("28.064"), Decimal("35.968"), Decimal("35.968"),
    ]
    assert ledger_drift() == []


def _failing_write(batch):
    raise RuntimeError("the database went away")


def test_a_failed_batch_leaves_no_account_marked_billing_in_progress():
    accounts = [AccountFactory() for _ in range(3)]
    for account in accounts:
        PackageFactory(owner=account, purchased_at=BOUGHT)
        UsageRecordFactory(account=account, day=DAY)

    with mock.patch.object(run._Batch, "write", _failing_write), pytest.raises(RuntimeError):
        billing_run(day=DAY)

    assert not Account.objects.filter(billing_started_at__isnull=False).exists()
    assert not DailyBill.objects.exists()


def test_a_failed_batch_leaves_earlier_marks_of_other_accounts_alone():
    billed, elsewhere = AccountFactory(), AccountFactory(billing_started_at=NOW - timedelta(minutes=5))
    UsageRecordFactory(account=billed, day=DAY)

    with mock.patch.object(run._Batch, "write", _failing_write), pytest.raises(RuntimeError):
        billing_run(day=DAY)

    elsewhere.refresh_from_db()
    assert elsewhere.billing_started_at == NOW - timedelta(minutes=5)


def test_a_rerun_after_a_failed_batch_bills_every_account_once():
    accounts = [FundedAccountFactory(funds={"cash": "1.00"}) for _ in range(3)]
    packages = [used_up_exactly_by_three_items(account) for account in accounts]
    for account in accounts:
        UsageRecordFactory(account=account, day=DAY, package_kind="transcode_standard", item="h264:720p")
    with mock.patch.object(run._Batch, "write", _failing_write), pytest.raises(RuntimeError):
        billing_run(day=DAY, batch_size=2)

    summary = billing_run(day=DAY, batch_size=2)

    assert summary.accounts_billed == DailyBill.objects.count() == 3
    assert [Package.objects.get(pk=p.pk).used for p in packages] == [Decimal("100.000")] * 3
    assert not Account.objects.filter(billing_started_at__isnull=False).exists()
    assert ledger_drift() == []

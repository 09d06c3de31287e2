from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction

from console.core import clock
from console.billing import run
from console.billing.run import (
    billing_run,
    billing_window_close,
    billing_window_open,
    day_bounds,
)
from console.billing.usage import usage_simulate
from console.accounts.models import BillingMode
from console.billing.models import DailyBill, UsageRecord
from console.ledger.models import LedgerEntry, LedgerKind, MemoKind
from console.packages.models import Deduction, Package, RenewalFailure
from refunds.policy import Reason
from refunds.services import RefundRefused, RefundRequest, package_refund
from tests.factories import (
    AccountFactory,
    FundedAccountFactory,
    MemberFactory,
    PackageFactory,
    UsageRecordFactory,
)

pytestmark = pytest.mark.django_db

# A fixed instant, not the time the module was imported (computed then, DAY went stale when the
# run crossed midnight in Beijing): 07:30 on 10 March in Beijing, while the UTC date is still the
# 9th, so "yesterday" is the 9th in the billing zone and would be the 8th in UTC.
NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
DAY = NOW.astimezone(clock.billing_zone()).date() - timedelta(days=1)
DAY_START, DAY_END = day_bounds(DAY)
BOUGHT_BEFORE = DAY_START - timedelta(days=2)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    """Every clock.now() and clock.today() in these tests, the billing run's included, reads NOW."""
    monkeypatch.setattr(clock, "now", lambda: NOW)


def traffic_package(account, **kwargs):
    kwargs.setdefault("purchased_at", BOUGHT_BEFORE)
    return PackageFactory(owner=account, **kwargs)


def test_usage_is_deducted_from_the_package_at_the_region_ratio():
    account = AccountFactory()
    package = traffic_package(account, spec_name="1 TB")
    UsageRecordFactory(account=account, day=DAY, item="leb:ap1", quantity=Decimal("10"))

    billing_run(day=DAY)

    package.refresh_from_db()
    deduction = Deduction.objects.get(package=package)
    assert (deduction.usage, deduction.ratio, deduction.amount) == (Decimal("10"), Decimal("3.5385"), Decimal("35.385"))
    assert package.used == Decimal("35.385")


def test_the_package_expiring_soonest_is_drawn_first():
    account = AccountFactory()
    later = traffic_package(account, expires_at=DAY_END + timedelta(days=200))
    sooner = traffic_package(account, expires_at=DAY_END + timedelta(days=100))
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("30"))

    billing_run(day=DAY)

    assert Deduction.objects.get().package_id == sooner.pk
    later.refresh_from_db()
    assert later.used == 0


def test_usage_beyond_the_first_package_spills_over_to_the_next():
    account = AccountFactory()
    first = traffic_package(account, expires_at=DAY_END + timedelta(days=100))
    second = traffic_package(account, expires_at=DAY_END + timedelta(days=200))
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("130"))

    billing_run(day=DAY)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.used, second.used) == (Decimal("100"), Decimal("30"))


def test_a_package_bought_after_the_day_ended_does_not_pay_for_it():
    account = FundedAccountFactory()
    package = traffic_package(account, purchased_at=DAY_END + timedelta(hours=1))
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("10"))

    billing_run(day=DAY)

    package.refresh_from_db()
    assert package.used == 0
    assert DailyBill.objects.get(account=account).pay_as_you_go == Decimal("0.53")


def test_a_package_bought_during_the_day_pays_for_that_day():
    account = AccountFactory()
    package = traffic_package(account, purchased_at=DAY_END - timedelta(minutes=1))
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("10"))

    billing_run(day=DAY)

    package.refresh_from_db()
    assert package.used == Decimal("10")


def test_a_refunded_package_is_skipped():
    account = FundedAccountFactory()
    package = traffic_package(account, refunded_at=DAY_END, refunded_cash=Decimal("3.88"))
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("10"))

    billing_run(day=DAY)

    assert not Deduction.objects.filter(package=package).exists()


def test_an_expired_package_is_skipped():
    account = FundedAccountFactory()
    package = traffic_package(account, purchased_at=DAY_START - timedelta(days=365), expires_at=DAY_START + timedelta(hours=3))
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("10"))

    billing_run(day=DAY)

    assert not Deduction.objects.filter(package=package).exists()


def test_usage_no_package_covers_is_charged_pay_as_you_go_from_cash():
    account = FundedAccountFactory(funds={"cash": "10.00"})
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("100"))

    billing_run(day=DAY)

    account.refresh_from_db()
    entry = LedgerEntry.objects.get(account=account, kind=LedgerKind.PAY_AS_YOU_GO)
    assert (entry.amount, account.cash_balance) == (Decimal("-5.29"), Decimal("4.71"))


def test_a_pay_as_you_go_charge_records_its_billed_day_as_its_memo():
    account = FundedAccountFactory(funds={"cash": "10.00"})
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("100"))

    billing_run(day=DAY)

    entry = LedgerEntry.objects.get(account=account, kind=LedgerKind.PAY_AS_YOU_GO)
    assert (entry.memo_kind, entry.memo_params, entry.memo) == (MemoKind.PAY_AS_YOU_GO, {"day": DAY.isoformat()}, "")


def test_a_short_cash_balance_leaves_the_rest_owed_on_the_bill_not_a_negative_balance():
    account = FundedAccountFactory(funds={"cash": "2.00"})
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("100"))

    billing_run(day=DAY)

    account.refresh_from_db()
    bill = DailyBill.objects.get(account=account)
    assert (bill.paid_cash, bill.owed, account.cash_balance) == (Decimal("2.00"), Decimal("3.29"), Decimal("0.00"))


def test_billing_a_day_twice_bills_it_once():
    account = FundedAccountFactory()
    package = traffic_package(account)
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("10"))

    billing_run(day=DAY)
    second = billing_run(day=DAY)

    package.refresh_from_db()
    assert (package.used, Deduction.objects.count(), second.accounts_billed) == (Decimal("10"), 1, 0)


def test_a_run_that_died_half_way_finishes_on_the_next_run_without_billing_twice():
    accounts = [AccountFactory() for _ in range(3)]
    packages = [traffic_package(a) for a in accounts]
    for account in accounts:
        UsageRecordFactory(account=account, day=DAY, quantity=Decimal("10"))
    real_write = run._Batch.write
    calls = []

    def dies_on_the_second_batch(batch):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        real_write(batch)

    with mock.patch.object(run._Batch, "write", dies_on_the_second_batch), pytest.raises(RuntimeError):
        billing_run(day=DAY, batch_size=1)
    billing_run(day=DAY, batch_size=1)

    used = [Package.objects.get(pk=p.pk).used for p in packages]
    assert used == [Decimal("10")] * 3
    assert Deduction.objects.count() == 3


def test_a_run_that_failed_leaves_refunds_open_and_the_next_run_bills_the_account():
    account = AccountFactory()
    traffic_package(account)
    UsageRecordFactory(account=account, day=DAY)

    with mock.patch.object(run._Batch, "write", side_effect=RuntimeError("power cut")), pytest.raises(RuntimeError):
        billing_run(day=DAY)
    account.refresh_from_db()
    assert not account.billing_in_progress
    billing_run(day=DAY)

    account.refresh_from_db()
    assert not account.billing_in_progress
    assert DailyBill.objects.filter(account=account, day=DAY).exists()


def test_traffic_packages_of_an_account_on_bandwidth_billing_are_frozen_and_deduct_nothing():
    account = FundedAccountFactory(billing_mode=BillingMode.DAILY_BANDWIDTH)
    package = traffic_package(account)
    UsageRecordFactory(account=account, day=DAY)

    summary = billing_run(day=DAY)

    package.refresh_from_db()
    # Billed (by the day's peak bandwidth), but nothing drawn from the frozen package.
    assert (package.used, summary.frozen_accounts, DailyBill.objects.count()) == (0, 1, 1)


def test_a_100_hour_transcoding_package_covers_about_49_hours_of_720p():
    account = FundedAccountFactory()
    package = traffic_package(account, kind="transcode_standard", spec_name="100 hours")
    UsageRecordFactory(account=account, day=DAY, package_kind="transcode_standard", item="h264:720p", quantity=Decimal(50 * 60))

    billing_run(day=DAY)

    package.refresh_from_db()
    covered = Deduction.objects.get(package=package).usage
    assert package.used == package.total
    assert Decimal(48 * 60) < covered < Decimal(50 * 60)


def test_the_takes_from_several_packages_add_up_to_the_usage():
    account = AccountFactory()
    traffic_package(account, expires_at=DAY_END + timedelta(days=10))
    traffic_package(account, expires_at=DAY_END + timedelta(days=20))
    UsageRecordFactory(account=account, day=DAY, item="lvb:ap2", quantity=Decimal("50"))

    billing_run(day=DAY)

    assert sum(Deduction.objects.values_list("usage", flat=True)) == Decimal("50")


def test_the_billing_marker_is_cleared_once_the_account_is_billed():
    account = AccountFactory()
    UsageRecordFactory(account=account, day=DAY)

    billing_run(day=DAY)

    account.refresh_from_db()
    assert account.billing_started_at is None


def test_a_billing_batch_cannot_be_wrapped_in_a_callers_transaction():
    account = AccountFactory()
    traffic_package(account)
    UsageRecordFactory(account=account, day=DAY)

    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        run.bill_accounts([account.pk], day=DAY)

    assert not DailyBill.objects.exists()


def test_an_open_billing_window_refuses_refunds_as_billing_in_progress():
    member = MemberFactory()
    package = PackageFactory(owner=member.account)

    billing_window_open(account=member.account)

    with pytest.raises(RefundRefused) as refused:
        package_refund(RefundRequest(package_id=package.pk, owner=member.account, actor=member.user, idempotency_key="k1", member=member))
    assert Reason.BILLING_IN_PROGRESS in refused.value.verdict.reasons


def test_closing_the_billing_window_lets_refunds_through_again():
    member = MemberFactory()
    package = PackageFactory(owner=member.account)
    billing_window_open(account=member.account)

    billing_window_close(account=member.account)

    result = package_refund(RefundRequest(package_id=package.pk, owner=member.account, actor=member.user, idempotency_key="k1", member=member))
    assert result.refund.package_id == package.pk


def test_a_batch_of_accounts_costs_the_same_number_of_queries_however_many_accounts(django_assert_max_num_queries):
    for _ in range(25):
        account = AccountFactory()
        traffic_package(account)
        traffic_package(account, kind="transcode_standard")
        UsageRecordFactory(account=account, day=DAY)
        UsageRecordFactory(account=account, day=DAY, package_kind="transcode_standard", item="h264:720p")

    # Frozen count, pick, usage, mark (2), lock accounts, bills done, lock and read packages,
    # deductions, package updates, bills, clear marker, savepoints, and the empty next pick.
    with django_assert_max_num_queries(18):
        summary = billing_run(day=DAY, batch_size=100)

    assert summary.deductions == 50


def test_the_summary_reads_as_a_sentence():
    account = FundedAccountFactory()
    traffic_package(account)
    UsageRecordFactory(account=account, day=DAY)

    summary = billing_run(day=DAY)

    assert str(summary).startswith(f"Billed {DAY}: 1 accounts, 1 deductions, USD 0")


# --- auto-renewal ------------------------------------------------------------------------------


def test_an_auto_renewing_package_that_runs_out_is_bought_again_before_the_day_is_charged():
    account = FundedAccountFactory(funds={"cash": "20.00"})
    old = traffic_package(account, auto_renew=True)
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("150"))

    summary = billing_run(day=DAY)

    renewed = Package.objects.exclude(pk=old.pk).get(owner=account)
    old.refresh_from_db()
    assert (old.used, renewed.used, renewed.auto_renew, old.auto_renew) == (Decimal("100"), Decimal("50"), True, False)
    assert (summary.renewals, DailyBill.objects.get(account=account).pay_as_you_go) == (1, Decimal("0"))


def test_a_package_bought_by_auto_renewal_links_to_the_package_it_renewed():
    account = FundedAccountFactory(funds={"cash": "20.00"})
    old = traffic_package(account, auto_renew=True)
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("150"))

    billing_run(day=DAY)

    renewed = Package.objects.exclude(pk=old.pk).get(owner=account)
    assert renewed.renewed_from == old


def test_a_renewal_without_enough_balance_is_recorded_and_the_usage_charged_pay_as_you_go():
    account = FundedAccountFactory(funds={"cash": "1.00"})
    old = traffic_package(account, auto_renew=True)
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("150"))

    billing_run(day=DAY)

    failure = RenewalFailure.objects.get(package=old)
    assert "Not enough balance" in failure.reason
    assert DailyBill.objects.get(account=account).pay_as_you_go == Decimal("2.65")


def test_renewals_stop_at_twenty_per_type_per_day():
    account = FundedAccountFactory(funds={"cash": "1000.00"})
    traffic_package(account, auto_renew=True)
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("5000"))

    summary = billing_run(day=DAY)

    assert (summary.renewals, Package.objects.filter(owner=account).count()) == (20, 21)


def test_a_package_with_nothing_to_renew_for_is_not_renewed():
    account = FundedAccountFactory()
    traffic_package(account, auto_renew=True)
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("99"))

    assert billing_run(day=DAY).renewals == 0


# --- usage -------------------------------------------------------------------------------------


def test_simulating_usage_writes_records_for_accounts_with_packages():
    traffic_package(AccountFactory())
    AccountFactory()

    written = usage_simulate(day=DAY)

    assert written == UsageRecord.objects.filter(day=DAY).count() > 0
    assert UsageRecord.objects.values("account").distinct().count() == 1


def test_simulating_the_same_day_twice_writes_nothing_the_second_time():
    traffic_package(AccountFactory(), kind="transcode_tsc")
    usage_simulate(day=DAY)

    assert usage_simulate(day=DAY) == 0


# --- commands ----------------------------------------------------------------------------------


def test_run_billing_bills_yesterday_in_the_billing_zone_by_default(capsys):
    account = AccountFactory()
    traffic_package(account)
    UsageRecordFactory(account=account, day=DAY)

    call_command("run_billing")

    assert DailyBill.objects.get(account=account).day == DAY
    assert capsys.readouterr().out.startswith(f"Billed {DAY}: 1 accounts")


def test_simulate_usage_writes_the_given_day(capsys):
    traffic_package(AccountFactory())

    call_command("simulate_usage", "--date", "2026-01-15")

    assert set(UsageRecord.objects.values_list("day", flat=True)) == {date(2026, 1, 15)}

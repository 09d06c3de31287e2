"""Billing shards as tasks, run in-process (no broker): what run_billing queues and what a shard
does, including a shard run twice and a shard whose batch failed half-way."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command

from console.accounts.models import Account, BillingMode
from console.billing import tasks
from console.billing.models import DailyBill
from console.billing.progress import billing_progress
from console.billing.tasks import bill_shard, billing_dispatch
from console.core import clock
from console.notifications.models import Notification, ReminderKind
from console.packages.models import Deduction
from tests.factories import FundedAccountFactory, MemberFactory, PackageFactory, UsageRecordFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)  # 07:30 on 10 March in Beijing
DAY = NOW.astimezone(clock.billing_zone()).date() - timedelta(days=1)
BOUGHT = NOW - timedelta(days=20)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def account_with_usage(quantity="10.000", **kwargs):
    account = FundedAccountFactory(**kwargs)
    PackageFactory(owner=account, spec_name="100 GB", purchased_at=BOUGHT)
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal(quantity))
    return account


def test_run_billing_splits_the_day_into_shards_of_consecutive_accounts(capsys):
    accounts = [account_with_usage() for _ in range(5)]

    dispatch = billing_dispatch(day=DAY, shard_size=2)

    ids = [a.pk for a in accounts]
    assert dispatch.shards == [(ids[0], ids[1]), (ids[2], ids[3]), (ids[4], ids[4])]
    assert DailyBill.objects.filter(day=DAY).count() == 5


def test_accounts_already_billed_are_not_in_a_shard_and_bandwidth_ones_are_billed_frozen():
    billed = account_with_usage()
    frozen = account_with_usage(billing_mode=BillingMode.DAILY_BANDWIDTH)
    pending = account_with_usage()
    bill_shard.delay(DAY.isoformat(), billed.pk, billed.pk)

    dispatch = billing_dispatch(day=DAY, shard_size=10)

    assert dispatch.shards == [(frozen.pk, pending.pk)]
    assert dispatch.frozen_accounts == 1
    assert frozen.pk in DailyBill.objects.values_list("account_id", flat=True)


def test_a_shard_run_twice_bills_nothing_twice():
    account = account_with_usage()

    first = bill_shard.delay(DAY.isoformat(), account.pk, account.pk).result
    second = bill_shard.delay(DAY.isoformat(), account.pk, account.pk).result

    assert (first["accounts_billed"], second["accounts_billed"]) == (1, 0)
    assert Deduction.objects.filter(package__owner=account).count() == 1


def test_a_shard_bills_only_its_own_accounts():
    inside, outside = account_with_usage(), account_with_usage()

    bill_shard.delay(DAY.isoformat(), inside.pk, inside.pk)

    assert list(DailyBill.objects.values_list("account_id", flat=True)) == [inside.pk]
    assert not DailyBill.objects.filter(account=outside).exists()


def test_a_shard_whose_batch_failed_leaves_no_mark_and_bills_it_when_it_runs_again():
    first, second = account_with_usage(), account_with_usage()
    real = tasks.bill_accounts
    calls = []

    def failing_second_batch(ids, *, day):
        calls.append(ids)
        if len(calls) == 2:
            raise RuntimeError("worker lost its database")
        return real(ids, day=day)

    with mock.patch.object(tasks, "bill_accounts", failing_second_batch):
        result = bill_shard.delay(DAY.isoformat(), first.pk, second.pk, 1)
    assert result.failed()

    bill_shard.delay(DAY.isoformat(), first.pk, second.pk, 1)

    assert DailyBill.objects.filter(day=DAY).count() == 2
    assert not Account.objects.filter(billing_started_at__isnull=False).exists()


def test_shard_tasks_are_acknowledged_late_and_given_back_when_their_worker_dies():
    assert bill_shard.acks_late and bill_shard.reject_on_worker_lost


def test_the_shard_task_takes_ids_and_a_date_only():
    account = account_with_usage()
    with mock.patch.object(bill_shard, "delay") as delay:
        billing_dispatch(day=DAY, shard_size=10, batch_size=7)

    delay.assert_called_once_with(DAY.isoformat(), account.pk, account.pk, 7)


def test_run_billing_prints_the_summary_on_stdout_and_the_progress_on_stderr(capsys):
    account_with_usage()
    account_with_usage()

    call_command("run_billing", "--date", DAY.isoformat(), "--shard-size", "1")

    out, err = capsys.readouterr()
    assert out.startswith(f"Billed {DAY}: 2 accounts, 2 deductions")
    assert err.splitlines()[-1].startswith(f"Billing {DAY} [{'#' * 30}] 100% 2/2 accounts")


def test_run_billing_keeps_its_options():
    account_with_usage()

    call_command("run_billing", "--date", DAY.isoformat(), "--batch-size", "1", "--shard-size", "5", "--no-wait")

    # In-process there is nothing to wait for: the shards ran as they were queued.
    assert DailyBill.objects.count() == 1


def test_the_progress_counts_the_days_accounts_and_their_bills():
    first, second = account_with_usage(), account_with_usage()
    account_with_usage(billing_mode=BillingMode.DAILY_BANDWIDTH)
    bill_shard.delay(DAY.isoformat(), first.pk, first.pk)
    Account.objects.filter(pk=second.pk).update(billing_started_at=NOW)

    progress = billing_progress(day=DAY)

    # Every account with usage is billed, whatever its mode.
    assert (progress.accounts, progress.billed, progress.in_progress, progress.percent, progress.done) == (3, 1, 1, 33, False)


def test_a_billed_shard_sends_the_low_remaining_reminders_of_its_accounts(django_capture_on_commit_callbacks):
    owner = MemberFactory()
    account = owner.account
    package = PackageFactory(owner=account, spec_name="100 GB", purchased_at=BOUGHT)
    type(package).objects.filter(pk=package.pk).update(used=Decimal("80"))
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("10.000"))

    with django_capture_on_commit_callbacks(execute=True):
        bill_shard.delay(DAY.isoformat(), account.pk, account.pk)

    notification = Notification.objects.get(account=account)
    assert (notification.kind, notification.day) == (ReminderKind.LOW_REMAINING, DAY)


# --- the progress partial (for the presenter panel) ----------------------------------------------


def test_the_progress_partial_polls_until_the_day_is_billed(client, settings):
    from django.urls import reverse

    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    first, second = account_with_usage(), account_with_usage()
    bill_shard.delay(DAY.isoformat(), first.pk, first.pk)

    half = client.get(reverse("billing_progress"), {"day": DAY.isoformat()}).content.decode()
    bill_shard.delay(DAY.isoformat(), second.pk, second.pk)
    done = client.get(reverse("billing_progress"), {"day": DAY.isoformat()}).content.decode()

    assert "1 of 2 accounts (50%)" in half and 'hx-trigger="every 1s"' in half
    assert "2 of 2 accounts (100%), done" in done and "hx-get" not in done


def test_customers_do_not_see_the_billing_progress_outside_demo_mode(client, settings):
    from django.urls import reverse

    settings.DEMO_MODE = False
    client.force_login(MemberFactory().user)

    assert client.get(reverse("billing_progress")).status_code == 404


def test_after_a_shard_the_crossings_are_found_without_reading_deductions():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from console.notifications import selectors

    owner = MemberFactory()
    package = PackageFactory(owner=owner.account, spec_name="100 GB", purchased_at=BOUGHT)
    type(package).objects.filter(pk=package.pk).update(used=Decimal("80"))
    UsageRecordFactory(account=owner.account, day=DAY, quantity=Decimal("10.000"))

    with CaptureQueriesContext(connection) as before:
        snapshot = selectors.remaining_snapshot(day=DAY, account_ids=[owner.account_id])
    tasks.bill_accounts([owner.account_id], day=DAY)
    with CaptureQueriesContext(connection) as after:
        crossed = selectors.low_remaining_crossed(snapshot, day=DAY)

    assert crossed == [package.pk]
    assert not [q for q in [*before, *after] if "console_deduction" in q["sql"]]


def test_a_shard_run_again_reminds_the_accounts_its_first_attempt_billed(django_capture_on_commit_callbacks):
    owner = MemberFactory()
    package = PackageFactory(owner=owner.account, spec_name="100 GB", purchased_at=BOUGHT)
    type(package).objects.filter(pk=package.pk).update(used=Decimal("80"))
    UsageRecordFactory(account=owner.account, day=DAY, quantity=Decimal("10.000"))
    # The first attempt billed the account, then its worker died before the reminders.
    tasks.bill_accounts([owner.account_id], day=DAY)

    with django_capture_on_commit_callbacks(execute=True):
        bill_shard.delay(DAY.isoformat(), owner.account_id, owner.account_id)

    assert Notification.objects.get(account=owner.account).kind == ReminderKind.LOW_REMAINING

"""Billing calls the areas above it through watchers they register (console.billing.hooks):
each gets the shard as a frozen value before it is billed and answers its own after-step."""

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from console.billing import hooks
from console.billing.hooks import ShardToBill, shard_watcher_register, shard_watchers
from console.billing.models import DailyBill
from console.billing.tasks import bill_shard
from console.core import clock
from console.notifications.watchers import low_remaining_watch
from tests.factories import FundedAccountFactory, PackageFactory, UsageRecordFactory

NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
DAY = NOW.astimezone(clock.billing_zone()).date() - timedelta(days=1)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def watchers(monkeypatch):
    """Watchers registered by a test are gone after it."""
    monkeypatch.setattr(hooks, "_shard_watchers", [])
    return hooks._shard_watchers


def account_with_usage():
    account = FundedAccountFactory()
    PackageFactory(owner=account, spec_name="100 GB", purchased_at=NOW - timedelta(days=20))
    UsageRecordFactory(account=account, day=DAY, quantity=Decimal("10.000"))
    return account


@pytest.mark.django_db
def test_a_watcher_is_told_the_day_and_the_accounts_before_the_shard_is_billed(watchers):
    account = account_with_usage()
    seen = []
    shard_watcher_register(lambda shard: seen.append((shard, DailyBill.objects.filter(day=DAY).count())))

    bill_shard.delay(DAY.isoformat(), account.pk, account.pk)

    assert seen == [(ShardToBill(day=DAY, account_ids=(account.pk,)), 0)]


@pytest.mark.django_db
def test_a_watchers_after_step_runs_once_the_shard_is_billed(watchers):
    account = account_with_usage()
    bills_after = []
    shard_watcher_register(lambda shard: lambda: bills_after.append(DailyBill.objects.filter(day=DAY).count()))

    bill_shard.delay(DAY.isoformat(), account.pk, account.pk)

    assert bills_after == [1]


def test_the_shard_a_watcher_is_given_cannot_be_changed():
    shard = ShardToBill(day=DAY, account_ids=(1, 2))

    with pytest.raises(dataclasses.FrozenInstanceError):
        shard.account_ids = (3,)


def test_a_watcher_registered_twice_is_called_once(watchers):
    def watcher(shard):
        return None

    shard_watcher_register(watcher)
    shard_watcher_register(watcher)

    assert shard_watchers() == (watcher,)


def test_the_low_remaining_reminders_watch_every_billed_shard():
    assert low_remaining_watch in shard_watchers()

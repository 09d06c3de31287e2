"""The balance alert: one message when a bill or a purchase takes the available balance from at
or above the owner's threshold to below it, once per crossing."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from console.billing.alerts import balance_alert_set
from console.billing.run import billing_run
from console.core import clock
from console.core.errors import PermissionRefused
from console.notifications.models import Notification, ReminderKind
from console.purchases.services import package_purchase
from tests.factories import FundedAccountFactory, MemberFactory, UsageRecordFactory, spec

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
DAY = NOW.astimezone(clock.billing_zone()).date() - timedelta(days=1)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def owner_with(cash: str, threshold: str):
    member = MemberFactory(account=FundedAccountFactory(funds={"cash": cash}))
    balance_alert_set(member=member, threshold=Decimal(threshold))
    return member


def buy_1_tb(member):  # USD 37.01
    one_tb = spec("traffic", "1 TB")
    package_purchase(account=member.account, member=member, spec_id=one_tb.pk, shown_price=one_tb.list_price, idempotency_key=str(uuid.uuid4()))


def alerts(member):
    return Notification.objects.filter(account=member.account, kind=ReminderKind.BALANCE_ALERT)


def test_a_purchase_that_takes_the_balance_below_the_threshold_sends_one_alert():
    member = owner_with("100.00", "70.00")

    buy_1_tb(member)

    assert alerts(member).count() == 1
    assert "USD 70.00" in alerts(member).get().subject


def test_a_second_purchase_below_the_threshold_is_not_a_new_crossing():
    member = owner_with("100.00", "70.00")
    buy_1_tb(member)

    buy_1_tb(member)

    assert alerts(member).count() == 1


def test_a_purchase_that_stays_above_the_threshold_sends_nothing():
    member = owner_with("100.00", "50.00")

    buy_1_tb(member)

    assert not alerts(member).exists()


def test_the_daily_bill_that_crosses_the_threshold_sends_the_alert():
    member = owner_with("10.00", "5.00")
    UsageRecordFactory(account=member.account, day=DAY, item="lvb:mainland", quantity=Decimal("100"))

    billing_run(day=DAY)

    assert alerts(member).count() == 1


def test_no_threshold_means_no_alert():
    member = MemberFactory(account=FundedAccountFactory(funds={"cash": "100.00"}))

    buy_1_tb(member)

    assert not alerts(member).exists()


def test_only_the_owner_sets_the_threshold():
    owner = MemberFactory()
    sub_user = MemberFactory(account=owner.account, sub_user=True)

    with pytest.raises(PermissionRefused):
        balance_alert_set(member=sub_user, threshold=Decimal("10.00"))


def test_the_owner_sets_the_threshold_on_the_balance_alert_page(client):
    member = MemberFactory()
    client.force_login(member.user)

    client.post(reverse("billing_alert"), {"threshold": "25.50"})

    member.account.refresh_from_db()
    assert member.account.balance_alert_threshold == Decimal("25.50")

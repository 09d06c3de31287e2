"""The daily run bills each day in the mode in force on that day: traffic packages deduct under
daily traffic and are frozen under daily peak bandwidth, whose day is charged from its peak."""

from datetime import timedelta
from decimal import Decimal

import pytest

from console.accounts.models import BillingMode
from console.billing import rates
from console.billing.models import DailyBill, DailyPeak
from console.billing.run import billing_run, day_bounds
from console.billing.services import billing_mode_change
from console.billing.usage import usage_simulate
from console.core import clock
from console.ledger.checks import ledger_drift
from console.packages.models import Deduction
from tests.console.billing_modes.moments import NOW
from tests.factories import DailyPeakFactory, FundedAccountFactory, MemberFactory, PackageFactory, UsageRecordFactory

pytestmark = pytest.mark.django_db

# The owner asks for daily peak bandwidth at the tests' moment (no usage yet today).
ASKED = NOW
ASKED_ON = ASKED.astimezone(clock.billing_zone()).date()
BEFORE, AFTER = ASKED_ON, ASKED_ON + timedelta(days=1)
BANDWIDTH = BillingMode.DAILY_BANDWIDTH


@pytest.fixture
def switched(moment):
    """An owner with a traffic and a transcoding package who switched to bandwidth on ASKED_ON,
    in force from the next day; usage and peaks on both days."""
    owner = MemberFactory(account=FundedAccountFactory())
    account = owner.account
    bought = day_bounds(BEFORE)[0] - timedelta(days=3)
    traffic = PackageFactory(owner=account, spec_name="1 TB", purchased_at=bought)
    transcoding = PackageFactory(owner=account, kind="transcode_standard", purchased_at=bought)
    billing_mode_change(account_id=account.pk, mode=BANDWIDTH, actor=owner.user, member=owner)
    for day in (BEFORE, AFTER):
        UsageRecordFactory(account=account, day=day, quantity=Decimal("100"))
        UsageRecordFactory(account=account, day=day, package_kind="transcode_standard", item="h264:480p", quantity=Decimal("30"))
        DailyPeakFactory(account=account, day=day, mbps=Decimal("600"))
    moment.now = day_bounds(AFTER)[1] + timedelta(hours=2)  # the morning after AFTER: both days to bill
    return account, traffic, transcoding


def test_the_day_before_the_change_is_billed_by_traffic(switched):
    account, traffic, _ = switched

    billing_run(day=BEFORE)

    traffic.refresh_from_db()
    bill = DailyBill.objects.get(account=account, day=BEFORE)
    assert traffic.used == Decimal("100.000")
    assert bill.pay_as_you_go == Decimal("0.00")
    assert all(line["kind"] != "peak_bandwidth" for line in bill.lines)


def test_the_day_the_change_takes_effect_is_charged_from_its_peak_and_the_traffic_package_is_frozen(switched):
    account, traffic, transcoding = switched

    billing_run(day=AFTER)

    traffic.refresh_from_db()
    transcoding.refresh_from_db()
    bill = DailyBill.objects.get(account=account, day=AFTER)
    peak = next(line for line in bill.lines if line["kind"] == "peak_bandwidth")
    # 600 Mbps falls in the second tier (500 to 5,000 Mbps at USD 0.0750): USD 45.00.
    assert (traffic.used, peak["peak_mbps"], peak["price"], peak["charge"]) == (Decimal("0"), "600.000", "0.0750", "45.00")
    assert bill.pay_as_you_go == Decimal("45.00")
    assert transcoding.used == Decimal("30.000")  # transcoding packages are unaffected
    assert not Deduction.objects.filter(package=traffic).exists()
    assert ledger_drift() == []


def test_a_day_billed_late_is_billed_in_its_own_days_mode_not_todays(switched, moment):
    account, traffic, _ = switched
    owner = account.members.get()
    moment.now += timedelta(days=1)
    billing_mode_change(account_id=account.pk, mode=BillingMode.DAILY_TRAFFIC, actor=owner.user, member=owner)
    moment.now += timedelta(days=5)  # back on traffic by now

    summary = billing_run(day=AFTER)

    traffic.refresh_from_db()
    assert (traffic.used, summary.frozen_accounts) == (Decimal("0"), 1)


def test_frozen_packages_are_never_deducted_even_when_auto_renewing_and_short(moment):
    account = FundedAccountFactory(billing_mode=BANDWIDTH)
    bought = day_bounds(BEFORE)[0] - timedelta(days=3)
    traffic = PackageFactory(owner=account, spec_name="100 GB", purchased_at=bought, auto_renew=True)
    UsageRecordFactory(account=account, day=BEFORE, quantity=Decimal("500"))
    moment.now = day_bounds(BEFORE)[1] + timedelta(hours=2)

    billing_run(day=BEFORE)

    traffic.refresh_from_db()
    assert (traffic.used, traffic.auto_renew) == (Decimal("0"), True)
    assert account.packages.count() == 1  # nothing renewed


def test_a_bandwidth_day_without_a_recorded_peak_is_charged_from_its_average_rate(moment):
    account = FundedAccountFactory(billing_mode=BANDWIDTH)
    UsageRecordFactory(account=account, day=BEFORE, quantity=Decimal("1080"))  # 100 Mbps on average
    moment.now = day_bounds(BEFORE)[1] + timedelta(hours=2)

    billing_run(day=BEFORE)

    assert DailyBill.objects.get(account=account).pay_as_you_go == Decimal("8.00")  # 100 x 0.0800


@pytest.mark.parametrize(
    ("mbps", "price"),
    [("0.5", "0.0800"), ("500", "0.0800"), ("500.001", "0.0750"), ("5000", "0.0750"), ("20000.5", "0.0650")],
)
def test_the_peak_is_priced_at_the_tier_it_falls_in(mbps, price):
    assert rates.peak_bandwidth_price(Decimal(mbps)) == Decimal(price)


def test_the_usage_simulation_writes_a_peak_per_account_and_day(moment):
    account = FundedAccountFactory()
    PackageFactory(owner=account)

    usage_simulate(day=BEFORE)
    usage_simulate(day=BEFORE)  # idempotent

    peak = DailyPeak.objects.get(account=account, day=BEFORE)
    assert peak.mbps > 0

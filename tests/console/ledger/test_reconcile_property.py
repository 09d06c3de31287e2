"""Whatever customers buy, refund and use, the books reconcile exactly (SQLite and PostgreSQL).

A property test: random days of top-ups, purchases, refunds and billing on a fresh account, then
`ledger_drift()` finds nothing, every package's `used` is the exact sum of its deductions and
every balance the exact sum of its entries. Sums are taken in Python with Decimal here, so the
check does not lean on the code it checks.
"""

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.billing.models import UsageRecord
from console.billing.rates import RATES
from console.billing.run import billing_run
from console.core import clock
from console.core.errors import ServiceError
from console.ledger.checks import ledger_drift
from console.ledger.models import BALANCE_FIELD, Bucket, LedgerEntry, LedgerKind
from console.ledger.services import ledger_post
from console.packages.locks import account_lock
from console.packages.models import Deduction, Package, PackageSpec
from console.purchases.services import package_purchase
from refunds.services import RefundRequest, package_refund
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
SPECS = [("traffic", "100 GB"), ("traffic", "500 GB"), ("transcode_standard", "5 hours"), ("transcode_tsc", "50 hours")]
KEYS = itertools.count()

cents = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("60.00"), places=2)
opening = st.fixed_dictionaries({bucket: cents for bucket in Bucket})
# A day's usage: a few items of the metered types (ratios with four decimals included), each
# quantity to the thousandth, from a sliver to more than the packages hold.
usage = st.dictionaries(
    keys=st.sampled_from(sorted(RATES)),
    values=st.decimals(min_value=Decimal("0.001"), max_value=Decimal("400"), places=3),
    min_size=1,
    max_size=4,
)
# A day: some purchases, maybe a top-up and a refund (of any package bought so far), then the
# day's usage is billed and the clock moves on to the next day.
day = st.fixed_dictionaries({
    "buy": st.lists(st.sampled_from(SPECS), max_size=3),
    "top_up": st.none() | st.tuples(st.sampled_from(list(Bucket)), cents),
    "refund": st.none() | st.integers(min_value=0, max_value=9),
    "usage": usage,
})


@pytest.fixture
def moving_clock(monkeypatch):
    """clock.now() reads `moving_clock[0]`; a billing day moves it a day on."""
    now = [START]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    return now


def _refused_or_done(write) -> None:
    try:
        write()
    except ServiceError:
        pass  # refused (too little balance, used, too late): nothing changed, which is checked below


def _top_up(member, bucket: Bucket, amount: Decimal) -> None:
    with transaction.atomic():
        ledger_post(account=account_lock(member.account.pk), bucket=bucket, amount=amount, kind=LedgerKind.TOP_UP)


def _buy(member, kind: str, name: str, bought: list[int]) -> None:
    spec = PackageSpec.objects.get(kind=kind, name=name)
    result = package_purchase(
        account=member.account, member=member, spec_id=spec.pk, shown_price=spec.list_price,
        idempotency_key=f"property-buy-{next(KEYS)}",
    )
    bought.append(result.package.pk)


def _refund(member, package_id: int) -> None:
    package_refund(RefundRequest(
        package_id=package_id, owner=member.account, actor=member.user,
        idempotency_key=f"property-refund-{next(KEYS)}", member=member,
    ))


def _bill_today(member, items) -> None:
    today = clock.today()
    UsageRecord.objects.bulk_create(
        UsageRecord(account=member.account, day=today, package_kind=kind, item=item, quantity=quantity)
        for (kind, item), quantity in items.items()
    )
    billing_run(day=today)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(opening=opening, days=st.lists(day, min_size=1, max_size=4))
def test_purchases_refunds_and_billing_days_always_reconcile_exactly(moving_clock, opening, days):
    # given: a fresh account of its own, topped up in each bucket, with the clock at the start
    moving_clock[0] = START
    member = MemberFactory()
    for bucket, amount in opening.items():
        _top_up(member, bucket, amount)
    bought: list[int] = []

    # when
    for plan in days:
        for kind, name in plan["buy"]:
            _refused_or_done(lambda: _buy(member, kind, name, bought))
        if plan["top_up"]:
            _top_up(member, *plan["top_up"])
        if plan["refund"] is not None and bought:
            _refused_or_done(lambda: _refund(member, bought[plan["refund"] % len(bought)]))
        _bill_today(member, plan["usage"])
        moving_clock[0] += timedelta(days=1)

    # then
    assert ledger_drift() == []
    for package in Package.objects.filter(owner=member.account):
        assert package.used == sum(Deduction.objects.filter(package=package).values_list("amount", flat=True), Decimal(0))
        assert package.used <= package.total
    member.account.refresh_from_db()
    for bucket in Bucket:
        entries = LedgerEntry.objects.filter(account=member.account, bucket=bucket).values_list("amount", flat=True)
        assert getattr(member.account, BALANCE_FIELD[bucket]) == sum(entries, Decimal("0.00"))

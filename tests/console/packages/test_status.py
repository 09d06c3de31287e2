from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from console.core import clock
from console.accounts.models import BillingMode
from console.packages.status import PackageStatus, is_expired, status_of

# A fixed instant, not the time the module was imported: 07:30 on 10 March in Beijing, while the
# UTC date is still the 9th. Every clock.now() in these tests reads it (see pinned_clock).
NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
FACTS = {"expires_at": NOW + timedelta(days=1), "total": Decimal("100"), "used": Decimal("0"), "kind": "traffic"}


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def status(**changes) -> PackageStatus:
    facts = {"refunded": False, "billing_mode": BillingMode.DAILY_TRAFFIC, "now": NOW, **FACTS, **changes}
    return status_of(expired=is_expired(facts.pop("expires_at"), facts.pop("now")), **facts)


def test_a_fresh_package_is_unused():
    assert status() == PackageStatus.UNUSED


def test_a_package_with_usage_is_in_use():
    assert status(used=Decimal("0.001")) == PackageStatus.IN_USE


def test_a_package_used_to_its_total_is_exhausted():
    assert status(used=Decimal("100")) == PackageStatus.EXHAUSTED


def test_a_package_is_expired_from_the_instant_of_expiry():
    assert status(expires_at=NOW) == PackageStatus.EXPIRED


def test_traffic_packages_are_frozen_when_the_account_is_not_billed_by_traffic():
    assert status(billing_mode=BillingMode.MONTHLY_PEAK_BANDWIDTH) == PackageStatus.FROZEN
    assert status(billing_mode=BillingMode.DAILY_BANDWIDTH) == PackageStatus.FROZEN


@pytest.mark.parametrize("kind", ["transcode_standard", "transcode_tsc", "co_anchoring"])
def test_other_packages_are_never_frozen_by_the_billing_mode(kind):
    assert status(kind=kind, billing_mode=BillingMode.DAILY_BANDWIDTH) == PackageStatus.UNUSED


def test_refunded_wins_over_every_other_status():
    assert status(refunded=True, expires_at=NOW, used=Decimal("100")) == PackageStatus.REFUNDED

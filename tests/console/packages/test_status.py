import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from console.core import clock
from console.accounts.models import BillingMode
from console.packages.models import Package
from console.packages.status import PackageStatus, package_status, status_annotation, status_of
from tests.factories import AccountFactory, PackageFactory

# A fixed instant, not the time the module was imported: 07:30 on 10 March in Beijing, while the
# UTC date is still the 9th. Every clock.now() in these tests reads it (see pinned_clock).
NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
FACTS = {"expires_at": NOW + timedelta(days=1), "total": Decimal("100"), "used": Decimal("0")}


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def status(**changes) -> PackageStatus:
    facts = {"refunded": False, "billing_mode": BillingMode.DAILY_TRAFFIC, "now": NOW, **FACTS, **changes}
    return status_of(**facts)


def test_a_fresh_package_is_unused():
    assert status() == PackageStatus.UNUSED


def test_a_package_with_usage_is_in_use():
    assert status(used=Decimal("0.001")) == PackageStatus.IN_USE


def test_a_package_used_to_its_total_is_exhausted():
    assert status(used=Decimal("100")) == PackageStatus.EXHAUSTED


def test_a_package_is_expired_from_the_instant_of_expiry():
    assert status(expires_at=NOW) == PackageStatus.EXPIRED


def test_packages_are_frozen_when_the_account_is_not_billed_by_traffic():
    assert status(billing_mode=BillingMode.MONTHLY_PEAK_BANDWIDTH) == PackageStatus.FROZEN


def test_refunded_wins_over_every_other_status():
    assert status(refunded=True, expires_at=NOW, used=Decimal("100")) == PackageStatus.REFUNDED


@pytest.mark.django_db
def test_the_database_annotation_agrees_with_status_of_for_every_combination():
    # given one package for each combination of the facts status_of reads
    now = clock.now()
    accounts = {mode: AccountFactory(billing_mode=mode) for mode in BillingMode.values}
    combinations = itertools.product(
        BillingMode.values,
        [False, True],  # refunded
        [timedelta(days=-1), timedelta(0), timedelta(days=1)],  # expiry relative to now
        ["0", "40", "100"],  # used of a total of 100
    )
    for mode, refunded, expiry, used in combinations:
        PackageFactory(
            owner=accounts[mode],
            purchased_at=now - timedelta(days=30),
            expires_at=now + expiry,
            total=Decimal("100"),
            used=Decimal(used),
            refunded_at=now if refunded else None,
        )

    # when the database labels them
    labelled = Package.objects.select_related("owner").annotate(db_status=status_annotation(now=now))

    # then every label is the one status_of gives
    assert len(labelled) == 54
    for package in labelled:
        assert package.db_status == package_status(package, billing_mode=package.owner.billing_mode, now=now), package

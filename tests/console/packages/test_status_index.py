"""The package page's status filter answered from stored columns (`Package.state`, a generated
column, and `expires_at`) agrees with `status_of`, the one definition of a package's status."""

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db.models import F

from console.accounts.models import BillingMode
from console.packages.models import Package, PackageFamily, state_of
from console.packages.status import PackageStatus, package_status, status_filter
from tests.factories import AccountFactory, PackageFactory

NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)


def _one_package_per_combination(account) -> None:
    for kind, refunded, reclaimed, expiry, used in itertools.product(
        ["traffic", "transcode_standard"],  # only traffic packages freeze
        [False, True],
        [False, True],
        [timedelta(days=-1), timedelta(0), timedelta(days=1)],  # expiry relative to now
        ["0", "40", "100"],  # used of a total of 100
    ):
        PackageFactory(
            owner=account, kind=kind, purchased_at=NOW - timedelta(days=30), expires_at=NOW + expiry,
            total=Decimal("100"), used=Decimal(used), refunded_at=NOW if refunded else None,
            reclaimed_at=NOW - timedelta(days=2) if reclaimed else None,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("mode", BillingMode.values)
def test_the_indexed_status_filter_selects_exactly_the_packages_status_of_gives_that_status(mode):
    # given one package for each combination of the facts status_of reads, in one account
    account = AccountFactory(billing_mode=mode)
    _one_package_per_combination(account)
    packages = list(Package.objects.filter(owner=account))

    for status in PackageStatus.values:
        # when the page filters by the status
        selected = set(
            Package.objects.filter(owner=account)
            .filter(status_filter(status, billing_mode=mode, now=NOW))
            .values_list("pk", flat=True)
        )

        # then it selects the packages status_of labels so, and no others
        expected = {p.pk for p in packages if package_status(p, billing_mode=mode, now=NOW) == status}
        assert selected == expected, status


@pytest.mark.django_db
def test_the_stored_state_follows_every_write_even_set_based_updates():
    package = PackageFactory(total=Decimal("100"))

    Package.objects.filter(pk=package.pk).update(used=F("used") + 40)  # as the billing run writes
    in_use = Package.objects.values_list("state", flat=True).get(pk=package.pk)
    Package.objects.filter(pk=package.pk).update(used=100)
    exhausted = Package.objects.values_list("state", flat=True).get(pk=package.pk)
    Package.objects.filter(pk=package.pk).update(refunded_at=NOW)
    refunded = Package.objects.values_list("state", flat=True).get(pk=package.pk)

    assert (in_use, exhausted, refunded) == ("in_use", "exhausted", "refunded")


@pytest.mark.django_db
def test_the_stored_state_of_a_package_reclaimed_by_a_set_based_update_is_reclaimed():
    package = PackageFactory(total=Decimal("100"), used=Decimal("40"))

    Package.objects.filter(pk=package.pk).update(reclaimed_at=NOW)  # as the repossession writes

    assert Package.objects.values_list("state", flat=True).get(pk=package.pk) == "reclaimed"


@pytest.mark.django_db
def test_the_stored_state_is_state_of_for_every_combination():
    _one_package_per_combination(AccountFactory())

    for package in Package.objects.all():
        assert package.state == state_of(
            refunded=package.is_refunded, total=package.total, used=package.used, reclaimed=package.is_reclaimed
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "family"),
    [("traffic", "traffic"), ("transcode_standard", "transcoding"), ("transcode_tsc", "transcoding"),
     ("co_anchoring", "other"), ("licence", "other")],
)
def test_each_kind_is_stored_with_the_family_of_its_tab(kind, family):
    package = PackageFactory(kind=kind)

    assert Package.objects.values_list("family", flat=True).get(pk=package.pk) == PackageFamily(family)

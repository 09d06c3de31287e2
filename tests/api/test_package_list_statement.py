"""DescribeLivePackageInfo's rows come from one statement written once per connection
(`console.api.live._PackageList`). It must answer exactly what the queryset it replaced answers:
the same rows, columns, values and order, for every ordering and page, on SQLite and PostgreSQL."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Window
from django.test.utils import CaptureQueriesContext

from console.api.live import ORDERINGS, TIME_FORMAT, _PackageList
from console.core import clock
from console.packages.models import Package, PackageKind, RenewalFailure
from console.packages.status import is_expired
from tests.factories import MemberFactory, PackageFactory

pytestmark = pytest.mark.django_db


def orm_rows(account, kinds, order_by, start=None, size=None) -> list[list]:
    """The rows as the ORM reads them, each package's times written in the billing zone and its
    expiry, refund and reclaim as the status rule asks for them."""
    now, zone = clock.now(), clock.billing_zone()
    rows = (
        Package.objects.filter(owner=account, kind__in=kinds)
        .annotate(
            was_renewed=Exists(Package.objects.filter(renewed_from=OuterRef("pk"))),
            renewal_failed=Exists(RenewalFailure.objects.filter(package=OuterRef("pk"))),
            total_num=Window(Count("pk")),
        )
        .order_by(*ORDERINGS[order_by])
        .values_list(
            "code", "kind", "total", "used", "purchased_at", "expires_at", "refunded_at", "reclaimed_at", "auto_renew",
            "was_renewed", "renewal_failed", "total_num",
        )
    )
    if start is not None:
        rows = rows[start : start + size]
    return [
        [
            code, kind, total, used, purchased_at.astimezone(zone).strftime(TIME_FORMAT),
            expires_at.astimezone(zone).strftime(TIME_FORMAT), is_expired(expires_at, now), refunded_at is not None,
            reclaimed_at is not None, *rest,
        ]
        for code, kind, total, used, purchased_at, expires_at, refunded_at, reclaimed_at, *rest in rows
    ]


def listed(account, kinds, order_by, **page) -> list[list]:
    rows = _PackageList(connection).rows(
        connection, account_id=account.pk, kinds=kinds, order_by=order_by, now=clock.now(), zone=clock.billing_zone(), **page
    )
    return [list(row) for row in rows]


@pytest.fixture
def account():
    account = MemberFactory().account
    now = clock.now()
    # Equal purchase times (ties broken by id), a renewal, a failed renewal, a refund, a fraction
    # of a unit used, one expiring at this very instant, one reclaimed, and other kinds and another
    # account's package that must not appear.
    first = PackageFactory(owner=account, purchased_at=now - timedelta(days=2), used=Decimal("0.25"))
    PackageFactory(owner=account, purchased_at=now - timedelta(days=2), renewed_from=first, auto_renew=True)
    failed = PackageFactory(owner=account, purchased_at=now - timedelta(days=1), auto_renew=True)
    RenewalFailure.objects.create(package=failed, usage_date=now.date(), at=now, reason="cash")
    PackageFactory(owner=account, purchased_at=now - timedelta(hours=3), refunded_at=now)
    PackageFactory(owner=account, purchased_at=now - timedelta(days=40), expires_at=now)
    PackageFactory(owner=account, purchased_at=now - timedelta(days=3), reclaimed_at=now)
    PackageFactory(owner=account, kind=PackageKind.TRANSCODE_STANDARD)
    PackageFactory(owner=MemberFactory().account)
    return account


@pytest.mark.parametrize("order_by", sorted(ORDERINGS))
def test_the_statement_answers_the_querysets_rows_in_every_ordering(account, order_by):
    kinds = (PackageKind.TRAFFIC,)

    rows = listed(account, kinds, order_by)

    assert rows == orm_rows(account, kinds, order_by)
    assert len(rows) == 6


def test_a_page_of_the_statement_is_the_querysets_page_with_the_whole_count(account):
    kinds = (PackageKind.TRAFFIC,)

    rows = listed(account, kinds, "BuyTimeAsc", limit=2, offset=1)

    assert rows == orm_rows(account, kinds, "BuyTimeAsc", start=1, size=2)
    assert [row[-1] for row in rows] == [6, 6]


def test_the_renewal_facts_are_booleans_as_the_orm_converts_them(account):
    rows = listed(account, (PackageKind.TRAFFIC,), "BuyTimeAsc")

    assert {(row[-3], row[-2]) for row in rows} == {(True, False), (False, False), (False, True)}
    assert all(type(row[-3]) is bool and type(row[-2]) is bool for row in rows)


def test_the_times_are_written_in_the_billing_zone_a_setting_chooses(account, settings):
    settings.BILLING_TIME_ZONE = "America/New_York"  # daylight saving time, unlike Beijing

    assert listed(account, (PackageKind.TRAFFIC,), "BuyTimeAsc") == orm_rows(account, (PackageKind.TRAFFIC,), "BuyTimeAsc")


def test_expiry_refund_and_reclaim_are_answered_as_the_status_rule_reads_them(account):
    rows = listed(account, (PackageKind.TRAFFIC,), "BuyTimeAsc")

    assert [tuple(row[6:9]) for row in rows] == [
        (True, False, False), (False, False, True), (False, False, False), (False, False, False), (False, False, False),
        (False, True, False),
    ]


def test_two_kinds_are_listed_together(account):
    kinds = (PackageKind.TRANSCODE_STANDARD, PackageKind.TRAFFIC)

    rows = listed(account, kinds, "BuyTimeDesc")

    assert rows == orm_rows(account, kinds, "BuyTimeDesc")
    assert len(rows) == 7


def test_a_listing_is_two_statements_with_the_key_lookup(client, account):
    from tests.api.signed import signed_post
    from tests.factories import ApiKeyFactory

    key = ApiKeyFactory(member=account.members.get())

    with CaptureQueriesContext(connection) as queries:
        answer = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0, "PageNum": 1, "PageSize": 10})[1]

    assert answer["Response"]["TotalNum"] == 6
    assert len([q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]) == 2

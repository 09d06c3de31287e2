"""Package/Plugin Management as a console list: a purchase-date range, a CSV export of exactly the
rows the table selects (every page of them), and auto-renewal shown on the row."""

import csv
import io
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from console.core import clock
from tests.factories import MemberFactory, PackageFactory

URL = reverse("packages")
CSV_URL = reverse("packages_csv")

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    member = MemberFactory()
    client.force_login(member.user)
    return member


def bought(owner, code, *, days_ago, **options):
    moment = datetime.combine(clock.today() - timedelta(days=days_ago), time(10), tzinfo=clock.billing_zone())
    return PackageFactory(owner=owner.account, code=code, purchased_at=moment, **options)


def day(days_ago):
    return (clock.today() - timedelta(days=days_ago)).isoformat()


def codes(response):
    return [row.code for row in response.context["view"].rows]


def exported(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_a_purchase_date_range_keeps_the_packages_bought_on_those_billing_days(client, owner):
    bought(owner, "lvpkg-old", days_ago=20)
    bought(owner, "lvpkg-mid", days_ago=10)
    bought(owner, "lvpkg-new", days_ago=1)

    response = client.get(URL, {"start": day(11), "end": day(9)})

    assert codes(response) == ["lvpkg-mid"]


def test_the_export_link_carries_the_tables_filter_but_not_its_page_or_page_size(client, owner):
    response = client.get(URL, {"tab": "traffic", "q": "lvpkg", "start": day(30), "page": "2", "size": "20"})

    html = response.content.decode()
    assert f'href="{CSV_URL}?tab=traffic&amp;q=lvpkg&amp;start={day(30)}" data-testid="packages-csv"' in html


def test_the_export_holds_every_page_of_exactly_the_filtered_rows_in_the_tables_order(client, owner):
    for number in range(12):
        bought(owner, f"lvpkg-in{number:02d}", days_ago=5)
    bought(owner, "lvpkg-before", days_ago=40)
    bought(owner, "lvpkg-plugin", days_ago=5, kind="licence")

    response = client.get(CSV_URL, {"tab": "traffic", "start": day(7), "sort": "purchased"})

    rows = exported(response)
    assert [row["package_id"] for row in rows] == [f"lvpkg-in{number:02d}" for number in range(12)]


def test_the_export_writes_status_quantities_unit_and_auto_renewal(client, owner):
    package = bought(owner, "lvpkg-auto", days_ago=2, auto_renew=True, used=Decimal("1"))

    row = exported(client.get(CSV_URL, {"q": "auto"}))[0]

    assert (row["status"], row["used"], row["unit"], row["auto_renew"]) == ("in_use", "1.000", "GB", "yes")
    assert Decimal(row["remaining"]) == package.total - 1


def test_a_bad_purchase_date_is_said_beside_the_filter_and_the_rest_of_the_filter_still_applies(client, owner):
    bought(owner, "lvpkg-aaa", days_ago=1)
    bought(owner, "lvpkg-bbb", days_ago=1)

    response = client.get(URL, {"start": "2026-02-31", "q": "aaa"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="packages-start-errors"' in html and "Enter the start date as YYYY-MM-DD." in html
    assert 'aria-describedby="packages-start-errors"' in html
    assert codes(response) == ["lvpkg-aaa"]


def test_a_range_that_ends_before_it_starts_is_explained_and_the_end_is_dropped(client, owner):
    response = client.get(URL, {"start": day(1), "end": day(5)})

    assert "The end date is before the start date" in response.content.decode()
    assert response.context["view"].query.end is None


def test_the_export_drops_a_bad_date_as_the_table_does(client, owner):
    bought(owner, "lvpkg-aaa", days_ago=1)

    response = client.get(CSV_URL, {"start": "not-a-day"})

    assert response.status_code == 200
    assert [row["package_id"] for row in exported(response)] == ["lvpkg-aaa"]


def test_a_package_renewing_itself_says_so_on_its_row(client, owner):
    bought(owner, "lvpkg-auto", days_ago=1, auto_renew=True)
    bought(owner, "lvpkg-manual", days_ago=2)

    html = client.get(URL).content.decode()

    auto_row = html[html.index('data-code="lvpkg-auto"'):]
    auto_row = auto_row[: auto_row.index("</tr>")]
    manual_row = html[html.index('data-code="lvpkg-manual"'):]
    manual_row = manual_row[: manual_row.index("</tr>")]
    assert 'data-testid="auto-renew">Auto-renewal on<' in auto_row
    assert "auto-renew" not in manual_row


def test_another_accounts_packages_are_never_exported(client, owner):
    PackageFactory(code="lvpkg-theirs")

    assert exported(client.get(CSV_URL)) == []


def page_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, params)
    return len(queries)


def test_a_date_filtered_page_costs_the_same_queries_for_1_or_30_packages(client, owner, django_assert_num_queries):
    params = {"start": day(10), "end": day(0), "size": "20"}
    bought(owner, "lvpkg-first", days_ago=3)
    client.get(URL, params)  # session and caches warm
    one_package = page_queries(client, params)
    for number in range(29):
        bought(owner, f"lvpkg-more{number:02d}", days_ago=3)

    with django_assert_num_queries(one_package):
        response = client.get(URL, params)

    assert len(codes(response)) == 20

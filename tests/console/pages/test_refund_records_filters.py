"""Refund records as a console list: date range, order or package ID, channel, pages that keep the
filter, and a CSV export of exactly the filtered rows."""

import csv
import io
import uuid
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from console.accounts.models import PresetPolicy
from console.core import clock
from refunds.models import Refund
from refunds.policy import Channel
from refunds.services import RefundRequest, package_refund
from tests.factories import MemberFactory, PackageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    owner = MemberFactory()
    client.force_login(owner.user)
    return owner


def refund(member, *, code, days_ago=0, channel=Channel.SELF_SERVICE):
    made = package_refund(RefundRequest(
        package_id=PackageFactory(owner=member.account, code=code).pk, owner=member.account, actor=member.user,
        idempotency_key=str(uuid.uuid4()), member=member, channel=channel,
    )).refund
    if days_ago:
        moment = datetime.combine(clock.today() - timedelta(days=days_ago), time(12), tzinfo=clock.billing_zone())
        Refund.objects.filter(pk=made.pk).update(created_at=moment)
    return made


def day(days_ago):
    return (clock.today() - timedelta(days=days_ago)).isoformat()


def shown(response):
    return [refund.package.code for refund in response.context["page"]]


def exported(response):
    return [row[1] for row in list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))[1:]]


def test_a_date_range_keeps_the_refunds_made_on_those_billing_days(client, owner):
    refund(owner, code="lvpkg-old", days_ago=10)
    refund(owner, code="lvpkg-mid", days_ago=5)
    refund(owner, code="lvpkg-new")

    response = client.get(reverse("refund_records"), {"start": day(6), "end": day(4)})

    assert shown(response) == ["lvpkg-mid"]


def test_the_search_finds_a_refund_by_part_of_its_order_id(client, owner):
    wanted = refund(owner, code="lvpkg-aaa")
    refund(owner, code="lvpkg-bbb")

    response = client.get(reverse("refund_records"), {"q": wanted.order_id[-9:]})

    assert shown(response) == ["lvpkg-aaa"]


def test_the_search_finds_a_refund_by_its_package_id(client, owner):
    refund(owner, code="lvpkg-aaa")
    refund(owner, code="lvpkg-bbb")

    response = client.get(reverse("refund_records"), {"q": "BBB"})

    assert shown(response) == ["lvpkg-bbb"]


def test_the_channel_filter_keeps_that_channels_refunds(client, owner):
    refund(owner, code="lvpkg-console")
    refund(owner, code="lvpkg-api", channel=Channel.API)

    response = client.get(reverse("refund_records"), {"channel": "api"})

    assert shown(response) == ["lvpkg-api"]


def test_the_export_link_carries_exactly_the_applied_filter(client, owner):
    response = client.get(reverse("refund_records"), {"start": day(3), "q": "lvpkg", "channel": "api", "page": "1"})

    html = response.content.decode()
    assert f'href="{reverse("refund_records_csv")}?start={day(3)}&amp;q=lvpkg&amp;channel=api"' in html


def test_the_export_holds_exactly_the_filtered_rows(client, owner):
    refund(owner, code="lvpkg-old", days_ago=10)
    refund(owner, code="lvpkg-api", channel=Channel.API)
    refund(owner, code="lvpkg-console")

    response = client.get(reverse("refund_records_csv"), {"start": day(1), "channel": "api"})

    assert exported(response) == ["lvpkg-api"]


def test_page_links_keep_the_filter(client, owner, monkeypatch):
    monkeypatch.setattr("console.pages.refund_records.RECORDS_PER_PAGE", 2)
    for number in range(3):
        refund(owner, code=f"lvpkg-api{number}", channel=Channel.API)

    html = client.get(reverse("refund_records"), {"channel": "api"}).content.decode()

    assert f'href="{reverse("refund_records")}?channel=api&amp;page=2"' in html


def test_a_bad_date_is_explained_beside_its_field_and_every_refund_is_shown(client, owner):
    refund(owner, code="lvpkg-aaa", days_ago=10)

    response = client.get(reverse("refund_records"), {"start": "2026-13-45", "q": "zzz"})

    assert response.status_code == 200
    assert "Enter the start date as YYYY-MM-DD." in response.content.decode()
    assert shown(response) == ["lvpkg-aaa"]


def test_an_unknown_channel_is_explained_not_a_server_error(client, owner):
    response = client.get(reverse("refund_records"), {"channel": "fax"})

    assert response.status_code == 200
    assert "Choose a channel from the list." in response.content.decode()


def test_exporting_with_a_range_that_ends_before_it_starts_answers_400_with_the_reason(client, owner):
    response = client.get(reverse("refund_records_csv"), {"start": day(1), "end": day(3)})

    assert response.status_code == 400
    assert "The end date is before the start date" in response.content.decode()


def test_an_htmx_filter_answers_the_list_region_alone(client, owner):
    response = client.get(reverse("refund_records"), {"channel": "api"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith("<section") and 'id="refund-records"' in html
    assert "<h1>" not in html


def queries_for(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    return len(queries)


def test_a_filtered_page_costs_the_same_queries_with_more_refunds(client, owner, settings, django_assert_num_queries):
    settings.REFUND_SELF_SERVICE_ALLOWANCE = 100
    params = {"start": day(30), "q": "lvpkg", "channel": "console"}
    refund(owner, code="lvpkg-first")
    client.get(reverse("refund_records"), params)  # session and caches warm
    one_refund = queries_for(client, reverse("refund_records"), params)
    for number in range(25):
        refund(owner, code=f"lvpkg-more{number}")

    with django_assert_num_queries(one_refund):
        response = client.get(reverse("refund_records"), params)

    assert len(response.context["page"]) == 20


def test_a_live_read_only_sub_user_is_refused_the_refund_export_with_a_403(client, owner):
    made = refund(owner, code="lvpkg-aaa")
    viewer = MemberFactory(account=owner.account, sub_user=True, policies=[PresetPolicy.LIVE_READ_ONLY_ACCESS])
    client.force_login(viewer.user)

    response = client.get(reverse("refund_records_csv"))

    assert response.status_code == 403
    assert made.order_id not in response.content.decode()

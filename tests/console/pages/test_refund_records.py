"""Refund records: every refund has an order ID, and the page lists the account's refunds."""

import re
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from console.accounts.models import PresetPolicy
from refunds.models import Refund
from refunds.policy import Channel
from refunds.services import RefundRefused, RefundRequest, package_refund
from tests.factories import AccountFactory, MemberFactory, PackageFactory

pytestmark = pytest.mark.django_db


def refund(member, package, **options):
    return package_refund(RefundRequest(
        package_id=package.pk, owner=member.account, actor=member.user, idempotency_key=str(uuid.uuid4()),
        member=member, **options,
    )).refund


@pytest.fixture
def owner(client):
    owner = MemberFactory()
    client.force_login(owner.user)
    return owner


def test_every_refund_gets_a_distinct_numeric_order_id_dated_by_the_billing_day(owner):
    first = refund(owner, PackageFactory(owner=owner.account))
    second = refund(owner, PackageFactory(owner=owner.account))

    assert re.fullmatch(r"\d{20}", first.order_id)
    assert first.order_id != second.order_id
    assert first.order_id[:8] == first.created_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d")


def test_an_api_refund_records_its_channel_and_request_codes(owner):
    made = refund(
        owner, PackageFactory(owner=owner.account), channel=Channel.API,
        sub_product_code="sp_live_package", region_code="ap-guangzhou",
    )

    assert (made.channel, made.sub_product_code, made.region_code) == ("api", "sp_live_package", "ap-guangzhou")


def test_api_refunds_count_against_the_self_service_allowance(owner, settings):
    settings.REFUND_SELF_SERVICE_ALLOWANCE = 1
    refund(owner, PackageFactory(owner=owner.account), channel=Channel.API)

    with pytest.raises(RefundRefused) as refused:
        refund(owner, PackageFactory(owner=owner.account))

    assert "allowance_used_up" in refused.value.verdict.reasons


def test_the_page_lists_package_amounts_destination_channel_time_and_status(client, owner):
    payer = AccountFactory(name="Group Payer")
    package = PackageFactory(
        owner=owner.account, payer=payer, list_price=Decimal("37.01"), paid_commission=Decimal("7.00"),
        paid_free=Decimal("3.00"), code="lvpkg-rec00001",
    )
    made = refund(owner, package)

    page = client.get(reverse("refund_records")).content.decode()

    row = page[page.index(f'data-order-id="{made.order_id}"'):]
    row = row[: row.index("</tr>")]
    for text in ("lvpkg-rec00001", "USD 27.01", "USD 7.00", "USD 3.00", "USD 37.01", "Group Payer", "Console", "Refunded"):
        assert text in row


def test_ticket_and_api_refunds_are_listed_with_their_channel(client, owner):
    refund(owner, PackageFactory(owner=owner.account), channel=Channel.API, region_code="ap-guangzhou",
           sub_product_code="sp_live_package")
    refund(owner, PackageFactory(owner=owner.account, kind="co_anchoring"), channel=Channel.TICKET)

    response = client.get(reverse("refund_records"))
    api_only = client.get(reverse("refund_records"), {"channel": "api"})

    assert [r.channel for r in response.context["page"]] == ["ticket", "api"]
    assert [r.channel for r in api_only.context["page"]] == ["api"]


def test_another_accounts_refunds_are_not_listed(client, owner):
    stranger = MemberFactory()
    theirs = refund(stranger, PackageFactory(owner=stranger.account))

    page = client.get(reverse("refund_records")).content.decode()

    assert theirs.order_id not in page


def test_a_sub_user_with_a_finance_policy_sees_the_accounts_refund_records(client, owner):
    made = refund(owner, PackageFactory(owner=owner.account))
    finance = MemberFactory(account=owner.account, sub_user_with_refund=True)
    client.force_login(finance.user)

    assert made.order_id in client.get(reverse("refund_records")).content.decode()


def test_a_live_read_only_sub_user_is_refused_the_refund_records_with_a_403(client, owner):
    made = refund(owner, PackageFactory(owner=owner.account))
    viewer = MemberFactory(account=owner.account, sub_user=True, policies=[PresetPolicy.LIVE_READ_ONLY_ACCESS])
    client.force_login(viewer.user)

    response = client.get(reverse("refund_records"))

    assert response.status_code == 403
    assert made.order_id not in response.content.decode()
    assert "You do not have permission to see the account&#x27;s balances, bills and refunds." in response.content.decode()


def test_refund_records_cost_the_same_queries_for_one_refund_or_fifteen(client, owner, settings):
    settings.REFUND_SELF_SERVICE_ALLOWANCE = 100
    refund(owner, PackageFactory(owner=owner.account))

    counts = []
    for more in (0, 14):
        for _ in range(more):
            refund(owner, PackageFactory(owner=owner.account))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("refund_records"))
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert Refund.objects.count() == 15


def test_the_refund_total_column_reads_as_a_sum_of_money_in_chinese(client, owner):
    refund(owner, PackageFactory(owner=owner.account))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = client.get(reverse("refund_records")).content.decode()

    assert "<th>退款合计</th>" in page
    assert 'data-label="退款合计"' in page

"""A package's own page shows its refund deadline and its Refund, as its row of the package table
does: the same verdict of the refund policy, the same dialog."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from console.core import clock
from console.templatetags.console_format import zoned
from refunds.selectors import account_facts, refund_verdict
from tests.factories import DeductionFactory, MemberFactory, PackageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    member = MemberFactory()
    client.force_login(member.user)
    return member


def detail(client, package, **headers):
    return client.get(reverse("package_detail", args=[package.code]), headers=headers)


def deadline_cell(html):
    start = html.index('data-testid="refund-deadline"')
    return html[start : html.index("</dd>", start)]


def test_a_refundable_package_shows_its_deadline_and_the_refund_dialogs_button(client, owner):
    package = PackageFactory(owner=owner.account)
    verdict = refund_verdict(package, account_facts=account_facts(owner.account, now=clock.now()))

    cell = deadline_cell(detail(client, package).content.decode())

    dialog = reverse("refund_dialog", args=[package.pk])
    assert f"until {zoned(verdict.deadline)}" in cell
    assert f'href="{dialog}?shown=eligible" hx-get="{dialog}?shown=eligible" hx-target="body"' in cell


def test_a_used_package_says_why_it_cannot_be_refunded_and_its_button_explains(client, owner):
    package = PackageFactory(owner=owner.account)
    DeductionFactory(package=package)
    verdict = refund_verdict(package, account_facts=account_facts(owner.account, now=clock.now()))

    cell = deadline_cell(detail(client, package).content.decode())

    assert "Not refundable" in cell
    assert 'class="btn btn-small btn-unavailable"' in cell
    assert f'data-testid="refund-why">{verdict.why}<' in cell


def test_a_package_bought_six_days_ago_shows_its_closed_window(client, owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=6))

    cell = deadline_cell(detail(client, package).content.decode())

    assert "Closed" in cell and "btn-unavailable" in cell


def test_a_refunded_package_shows_no_refund_button(client, owner):
    package = PackageFactory(owner=owner.account, refunded_at=clock.now())

    cell = deadline_cell(detail(client, package).content.decode())

    assert "Refunded" in cell and 'data-testid="refund"' not in cell


def test_the_facts_fetch_themselves_again_when_a_dialog_changed_packages(client, owner):
    package = PackageFactory(owner=owner.account)

    html = detail(client, package).content.decode()

    assert f'id="package-facts" aria-label="Package facts" hx-get="{reverse("package_detail", args=[package.code])}" hx-trigger="packagesChanged from:body"' in html


def test_the_facts_alone_answer_their_own_refresh(client, owner):
    package = PackageFactory(owner=owner.account)

    html = detail(client, package, HX_Request="true", HX_Target="package-facts").content.decode()

    assert html.lstrip().startswith('<section class="panel" id="package-facts"')
    assert 'id="deductions"' not in html


def test_the_deductions_pages_still_answer_the_deductions_alone(client, owner):
    package = PackageFactory(owner=owner.account)

    html = detail(client, package, HX_Request="true", HX_Target="deductions").content.decode()

    assert html.lstrip().startswith('<section id="deductions"')


def test_buy_is_still_the_purchase_page_not_a_package_called_buy(client, owner):
    assert reverse("package_buy") == "/css/packages/buy/"
    assert client.get("/css/packages/buy/").resolver_match.view_name == "package_buy"


def test_the_page_costs_the_same_queries_for_1_or_30_deductions(client, owner, django_assert_num_queries):
    package = PackageFactory(owner=owner.account, spec_name="1 TB")
    DeductionFactory(package=package)
    detail(client, package)  # session and caches warm
    with CaptureQueriesContext(connection) as one:
        detail(client, package)
    for _ in range(29):
        DeductionFactory(package=package)

    with django_assert_num_queries(len(one)):
        detail(client, package)


@pytest.mark.parametrize("auto_renew, word", [(False, "关闭"), (True, "开启")])
def test_a_sub_user_who_may_not_change_auto_renewal_reads_it_in_chinese(client, auto_renew, word):
    sub_user = MemberFactory(sub_user=True)
    package = PackageFactory(owner=sub_user.account, auto_renew=auto_renew)
    client.force_login(sub_user.user)
    client.cookies["django_language"] = "zh-hans"

    html = client.get(reverse("package_detail", args=[package.code])).content.decode()

    assert f'data-testid="auto-renew-state">{word}<' in html

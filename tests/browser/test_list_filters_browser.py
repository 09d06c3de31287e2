"""Every console list filtered through its form in Chromium, at a laptop's and a phone's size: the
filter swaps the list in place and pushes the address, the export link then carries exactly that
filter (and exports only those rows), Back brings the previous list back, and nothing scrolls
sideways."""

import csv
import uuid
from datetime import datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from console.core import clock
from console.ledger.selectors import ledger_for
from refunds.models import Refund
from refunds.policy import Channel
from refunds.services import RefundRequest, package_refund
from tests.browser.htmx import htmx_settled
from tests.factories import FundedAccountFactory, MemberFactory, PackageFactory, TicketFactory, UserFactory, _fund
from tickets.transitions import Status

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = [pytest.param(LAPTOP, id="1280x800"), pytest.param(PHONE, id="390x844")]


def moment(days_ago: int) -> datetime:
    return datetime.combine(clock.today() - timedelta(days=days_ago), time(10), tzinfo=clock.billing_zone())


def day(days_ago: int) -> str:
    return (clock.today() - timedelta(days=days_ago)).isoformat()


@pytest.fixture
def owner(viewport):
    username = f"lists-{viewport['width']}"
    member = MemberFactory(user=UserFactory(username=username), account=FundedAccountFactory(funds={"cash": "80.00"}))
    account = member.account
    PackageFactory(owner=account, code="lvpkg-older", purchased_at=moment(20))
    PackageFactory(owner=account, code="lvpkg-recent", purchased_at=moment(2), auto_renew=True)
    for code, channel in (("lvpkg-refund-con", Channel.SELF_SERVICE), ("lvpkg-refund-api", Channel.API)):
        package_refund(RefundRequest(
            package_id=PackageFactory(owner=account, code=code, kind="transcode_tsc").pk, owner=account, actor=member.user,
            idempotency_key=str(uuid.uuid4()), member=member, channel=channel,
        ))
    TicketFactory(member=member, title="Stream keeps dropping")
    TicketFactory(member=member, title="Refund please", status=Status.AWAITING_CUSTOMER)
    member.username = username
    return member


def query_of(url: str) -> dict:
    """The address's query, its blank fields left out (a GET form sends every field)."""
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def exported_rows(page, link) -> list[list[str]]:
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), newline="") as exported:
        return list(csv.reader(exported))[1:]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_packages_filtered_by_purchase_date_then_exported_then_back(owner, login, page, live_server, viewport, screenshot):
    # given the package list on a laptop or a phone
    page.set_viewport_size(viewport)
    login(owner.username, "correct-horse")
    page.goto(live_server.url + reverse("packages"))
    expect(page.locator('tr[data-code="lvpkg-recent"] [data-testid="auto-renew"]')).to_be_visible()

    # when the owner picks a purchase date (the form swaps the table on change)
    page.get_by_label("Purchased from").fill(day(5))
    htmx_settled(page)

    # then the address holds the filter, the table only the recent package, the export link that filter
    assert query_of(page.url) == {"tab": "traffic", "sort": "-purchased", "size": "10", "start": day(5)}
    codes = page.locator('[data-testid="package-row"]')
    expect(codes).to_have_count(1)
    expect(codes.first).to_have_attribute("data-code", "lvpkg-recent")
    export = page.get_by_test_id("packages-csv")
    assert query_of(export.get_attribute("href")) == {"tab": "traffic", "start": day(5)}
    assert [row[0] for row in exported_rows(page, export)] == ["lvpkg-recent"]
    assert no_sideways_scrolling(page)
    screenshot(f"lists-packages-filtered-{viewport['width']}")

    # and Back brings the unfiltered list and its export link back
    page.go_back()
    htmx_settled(page)
    expect(page).to_have_url(f"{live_server.url}{reverse('packages')}")
    expect(page.locator('[data-testid="package-row"]')).to_have_count(2)
    assert query_of(page.get_by_test_id("packages-csv").get_attribute("href")) == {"tab": "traffic"}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_refund_records_filtered_by_channel_and_search_then_exported_then_back(owner, login, page, live_server, viewport, screenshot):
    page.set_viewport_size(viewport)
    login(owner.username, "correct-horse")
    page.goto(live_server.url + reverse("refund_records"))
    expect(page.locator("tr[data-order-id]")).to_have_count(2)

    page.get_by_label("Channel").select_option("api")
    page.get_by_label("Order ID or package ID").fill("refund")
    page.get_by_role("button", name="Filter").click()
    htmx_settled(page)

    assert query_of(page.url) == {"q": "refund", "channel": "api"}
    expect(page.locator("tr[data-order-id]")).to_have_count(1)
    api_order = Refund.objects.get(package__code="lvpkg-refund-api").order_id
    expect(page.locator("tr[data-order-id]").first).to_have_attribute("data-order-id", api_order)
    export = page.get_by_test_id("records-csv")
    assert query_of(export.get_attribute("href")) == {"q": "refund", "channel": "api"}
    assert [row[0] for row in exported_rows(page, export)] == [api_order]
    assert no_sideways_scrolling(page)
    screenshot(f"lists-refund-records-filtered-{viewport['width']}")

    page.go_back()
    htmx_settled(page)
    expect(page).to_have_url(f"{live_server.url}{reverse('refund_records')}")
    expect(page.locator("tr[data-order-id]")).to_have_count(2)
    assert page.get_by_test_id("records-csv").get_attribute("href") == reverse("refund_records_csv")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_my_tickets_filtered_by_status_and_search_then_back(owner, login, page, live_server, viewport, screenshot):
    page.set_viewport_size(viewport)
    login(owner.username, "correct-horse")
    page.goto(live_server.url + reverse("tickets:mine"))
    expect(page.get_by_test_id("ticket-row")).to_have_count(2)

    page.get_by_label("Status").select_option("awaiting_customer")
    page.get_by_label("Title or ticket ID").fill("refund")
    page.get_by_role("button", name="Filter").click()
    htmx_settled(page)

    assert query_of(page.url) == {"status": "awaiting_customer", "q": "refund"}
    expect(page.get_by_test_id("ticket-row")).to_have_count(1)
    expect(page.get_by_test_id("ticket-row").first).to_contain_text("Refund please")
    assert no_sideways_scrolling(page)
    screenshot(f"lists-my-tickets-filtered-{viewport['width']}")

    page.go_back()
    htmx_settled(page)
    expect(page).to_have_url(f"{live_server.url}{reverse('tickets:mine')}")
    expect(page.get_by_test_id("ticket-row")).to_have_count(2)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_ledgers_next_page_keeps_the_dates_and_back_returns_to_the_first(owner, login, page, live_server, viewport, screenshot):
    for _ in range(50):
        _fund(owner.account, {"cash": "1.00"})
    page.set_viewport_size(viewport)
    login(owner.username, "correct-horse")
    page.goto(live_server.url + reverse("billing"))

    page.get_by_label("From").fill(day(1))
    page.get_by_role("button", name="Filter").click()
    htmx_settled(page)
    page.get_by_role("link", name="Next").click()
    htmx_settled(page)

    assert query_of(page.url) == {"start": day(1), "page": "2"}
    entries = ledger_for(owner.account, start=clock.today() - timedelta(days=1)).count()
    assert entries > 50
    expect(page.get_by_test_id("ledger").locator("tbody tr")).to_have_count(entries - 50)
    assert query_of(page.get_by_test_id("ledger-csv").get_attribute("href")) == {"start": day(1)}
    assert no_sideways_scrolling(page)
    screenshot(f"lists-ledger-page-2-{viewport['width']}")

    page.go_back()
    htmx_settled(page)
    assert query_of(page.url) == {"start": day(1)}
    expect(page.get_by_test_id("ledger").locator("tbody tr")).to_have_count(50)


def switch_to_chinese(page):
    page.get_by_test_id("language-switch").locator("summary").click()
    with page.expect_navigation():
        page.get_by_test_id("language-zh-hans").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_lists_filter_reads_chinese_and_fits_the_screen(owner, login, page, live_server, viewport, screenshot):
    page.set_viewport_size(viewport)
    login(owner.username, "correct-horse")
    switch_to_chinese(page)
    lists = {
        reverse("packages"): ("购买日期起", "购买日期止", "导出 CSV", "自动续费已开启"),
        reverse("refund_records"): ("开始日期", "订单号或资源包 ID", "全部渠道", "导出 CSV"),
        reverse("billing"): ("开始日期", "结束日期", "导出 CSV"),
        reverse("tickets:mine"): ("全部状态", "标题或工单号", "筛选"),
    }

    for path, words in lists.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        for word in words:
            expect(page.locator("main")).to_contain_text(word)
        assert no_sideways_scrolling(page), path
        screenshot(f"lists-zh-{viewport['width']}-{path.strip('/').replace('/', '-')}")

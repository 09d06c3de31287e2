"""A person on the README's demo, in Chromium: in Chinese at a laptop's and a phone's size, filtering
Balance and bills and exporting what the filter shows, and refunding a package through the dialog."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.htmx import htmx_settled

SIZES = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=SIZES, ids=list(SIZES))
def sized_page(request, page):
    page.set_viewport_size(SIZES[request.param])
    return page


def switch_language(page, code: str) -> None:
    """The top bar's switch, as a person uses it (the choice is remembered on the user)."""
    page.get_by_test_id("language-switch").locator("summary").click()
    with page.expect_navigation():
        page.get_by_test_id(f"language-{code}").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def viewer_in_english(sign_in):
    """The demo's read-only sub-user, signed in; their language is put back to English afterwards,
    since the switch remembers it on the user for the next test's login."""
    page = sign_in("viewer")
    yield page
    switch_language(page, "en")


def test_switching_to_simplified_chinese_translates_the_package_page(sized_page, viewer_in_english):
    page = viewer_in_english
    expect(page.get_by_role("heading", level=1)).to_have_text("Package/Plugin Management")

    switch_language(page, "zh-hans")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("资源包/插件管理")
    expect(page).to_have_title(re.compile("资源包/插件管理"))
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_the_ledger_export_after_a_date_filter_exports_the_filtered_rows(demo, sign_in, page):
    sign_in("demo")
    page.goto(f"{demo.url}/css/billing/")
    every_row = page.get_by_test_id("ledger").locator("tbody tr").count()
    days = sorted({text[:10] for text in page.get_by_test_id("ledger").locator("tbody tr td:first-child").all_inner_texts()})
    assert len(days) >= 2, "the demo's ledger should span several days"
    first_day = days[0]

    # when the person filters to the first day (an htmx swap of the ledger, not a page load)
    filters = page.get_by_test_id("ledger-filters")
    filters.locator("input[name=start]").fill(first_day)
    filters.locator("input[name=end]").fill(first_day)
    with page.expect_response(lambda answer: "/css/billing/" in answer.url and answer.request.headers.get("hx-request")):
        filters.get_by_role("button").first.click()
    htmx_settled(page)

    # then the export link carries the filter, and the file holds exactly the rows shown
    href = page.get_by_test_id("ledger-csv").get_attribute("href")
    assert f"start={first_day}" in href and f"end={first_day}" in href
    shown = page.get_by_test_id("ledger").locator("tbody tr").count()
    exported = list(csv.DictReader(io.StringIO(page.request.get(f"{demo.url}{href}").text())))
    assert 0 < len(exported) == shown < every_row
    assert {row["time"][:10] for row in exported} == {first_day}


def test_an_owner_refunds_an_unused_package_through_the_dialog(demo, sign_in, page):
    page.set_viewport_size(SIZES["laptop"])
    sign_in("demo")
    row = page.locator('tr[data-code="lvpkg-dm000001"]')

    row.get_by_role("link", name="Refund").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("refund-payer")).to_contain_text("Aurora Live Media")
    total = dialog.get_by_test_id("refund-total").inner_text()
    dialog.get_by_role("checkbox").check()
    dialog.get_by_test_id("refund-confirm").click()

    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#toasts")).to_contain_text(f"Refunded {total}")
    expect(row.get_by_test_id("status")).to_have_text("Refunded")
    # and the receipt waits in the owner's Message Center, behind the bell
    page.get_by_test_id("notification-bell").click()
    receipt = page.get_by_test_id("delivery").filter(has_text="Refund of CSS package lvpkg-dm000001")
    expect(receipt).to_have_count(1)
    expect(receipt.get_by_test_id("unread")).to_be_visible()

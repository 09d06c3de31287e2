"""A person refunds a traffic package in the console, the way they would with a mouse."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.htmx import htmx_settled
from tests.factories import DeductionFactory, MemberFactory, PackageFactory, UserFactory

REFUND_FOR_BROWSER = pytest.mark.django_db(transaction=True)
# Wide enough that the screenshots show every column, Operations included.
pytestmark = pytest.mark.browser_context_args(viewport={"width": 1600, "height": 900})



def row(page, package):
    return page.locator(f'tr[data-code="{package.code}"]')


@REFUND_FOR_BROWSER
def test_an_owner_refunds_an_unused_traffic_package_through_the_dialog(login, page, live_server, screenshot):
    # given an owner with an unused package and one already used
    owner = MemberFactory(
        user=UserFactory(username="owner-refunds"), account__name="Aurora Live", account__cash_balance=Decimal("10.00")
    )
    package = PackageFactory(owner=owner.account)
    DeductionFactory(package=PackageFactory(owner=owner.account))

    # when they open the Traffic tab and refund it
    login("owner-refunds", "correct-horse")
    page.get_by_role("link", name="Traffic package").click()
    expect(row(page, package).get_by_test_id("status")).to_have_text("Unused")
    screenshot("packages-traffic-tab")

    row(page, package).get_by_role("link", name="Refund").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("refund-total")).to_have_text("USD 3.88")
    screenshot("refund-dialog")
    dialog.get_by_label("I understand").check()
    dialog.get_by_role("button", name="Refund USD 3.88").click()

    # then the dialog closes, a toast confirms, the row and the balance change in place
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#toasts")).to_contain_text("Refunded USD 3.88 to Aurora Live")
    expect(row(page, package).get_by_test_id("status")).to_have_text("Refunded")
    expect(page.get_by_test_id("balance-cash")).to_have_text("USD 13.88")
    screenshot("refund-done")


@REFUND_FOR_BROWSER
def test_a_refund_that_is_not_allowed_says_why(login, page):
    owner = MemberFactory(user=UserFactory(username="owner-used"))
    used = PackageFactory(owner=owner.account)
    DeductionFactory(package=used)

    login("owner-used", "correct-horse")

    button = row(page, used).get_by_role("link", name="Refund")
    expect(row(page, used).get_by_test_id("refund-why")).to_have_text("Used, so not refundable")
    expect(button).to_have_accessible_description("Used, so not refundable")
    button.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("refund-errors")).to_have_text(
        "The package has been used: a deduction has been made from it."
    )


@REFUND_FOR_BROWSER
def test_a_sub_user_without_refund_permission_cannot_refund(login, page):
    sub_user = MemberFactory(user=UserFactory(username="sub-no-refund"), sub_user=True)
    package = PackageFactory(owner=sub_user.account)

    login("sub-no-refund", "correct-horse")

    expect(row(page, package).get_by_test_id("refund-why")).to_have_text("You may not refund packages")
    row(page, package).get_by_role("link", name="Refund").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("refund-errors")).to_contain_text("You do not have permission to refund packages.")
    expect(dialog.get_by_test_id("refund-confirm")).to_have_count(0)
    expect(row(page, package).get_by_test_id("status")).to_have_text("Unused")


@REFUND_FOR_BROWSER
def test_tabs_and_filters_update_the_table_and_the_address_and_back_returns(login, page):
    owner = MemberFactory(user=UserFactory(username="owner-tabs"))
    traffic = PackageFactory(owner=owner.account)
    transcoding = PackageFactory(owner=owner.account, kind="transcode_tsc")
    login("owner-tabs", "correct-horse")

    page.get_by_role("link", name="Transcoding package").click()
    expect(row(page, transcoding)).to_be_visible()
    expect(page).to_have_url(re.compile(r"tab=transcoding"))
    htmx_settled(page)
    page.get_by_label("Status").select_option("refunded")
    expect(page).to_have_url(re.compile(r"status=refunded"))
    expect(page.get_by_text("No packages match.")).to_be_visible()
    htmx_settled(page)

    # Back one step at a time, as a person goes back, each step seen before the next: two steps
    # sent back to back failed once in CI (Page.go_back: net::ERR_ABORTED).
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"status=refunded"))
    expect(row(page, transcoding)).to_be_visible()
    htmx_settled(page)
    page.go_back()
    expect(row(page, traffic)).to_be_visible()
    expect(row(page, transcoding)).to_have_count(0)

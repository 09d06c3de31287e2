"""Buying a package in the browser: the dialog, its quote, and the ledger afterwards."""

import pytest
from playwright.sync_api import expect

from console.packages.models import Package
from tests.browser.htmx import htmx_settled
from tests.factories import FundedAccountFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The host runs other suites at the same time; a swap can take longer than the 5 s default.
SLOW = 15_000


def test_an_owner_buys_a_traffic_package_and_sees_it_paid_in_the_ledger(login, page, live_server, screenshot):
    account = FundedAccountFactory(name="Aurora Live", funds={"cash": "20.00", "free": "1.00"})
    MemberFactory(user=UserFactory(username="buyer"), account=account)
    login("buyer", "correct-horse")

    page.get_by_test_id("buy-package").click()
    dialog = page.get_by_role("dialog", name="Buy package")
    expect(dialog).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    with page.expect_response(lambda r: r.url.endswith("/css/packages/buy/") and r.request.method == "POST") as quoted:
        dialog.get_by_label("Package type and size").select_option(label="Traffic 500 GB - USD 19.10")
    assert quoted.value.status == 200, quoted.value.text()
    expect(dialog.get_by_test_id("quote-due")).to_have_text("USD 19.10", timeout=SLOW)
    screenshot("buy-dialog")
    dialog.get_by_role("button", name="Confirm and pay USD 19.10").click()

    expect(page.get_by_role("status").filter(has_text="Bought")).to_be_visible(timeout=SLOW)
    expect(dialog).to_be_hidden(timeout=SLOW)
    package = Package.objects.get(owner=account)
    assert (package.paid_free, package.paid_cash) == (1, package.list_price - 1)
    expect(page.get_by_role("cell", name=package.code)).to_be_visible(timeout=SLOW)

    page.get_by_role("link", name="Balance and bills").click()
    expect(page.get_by_test_id("balance-cash")).to_have_text("USD 1.90", timeout=SLOW)
    expect(page.get_by_test_id("ledger")).to_contain_text("Package purchase", timeout=SLOW)

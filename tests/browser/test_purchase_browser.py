"""Buying a package in the browser: the dialog, its quote, and the ledger afterwards."""

import pytest
from playwright.sync_api import expect

from console.catalogue import catalogue_rows
from console.models import Package, PackageSpec
from tests.factories import FundedAccountFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def catalogue():
    """The price list the migrations seed. serialized_rollback should bring it back after an
    earlier transactional test's flush, but with Playwright's `page` fixture it was found empty
    when such a test ran first, so the test loads it itself."""
    for row in catalogue_rows():
        PackageSpec.objects.update_or_create(kind=row["kind"], name=row["name"], defaults=row)


def test_an_owner_buys_a_traffic_package_and_sees_it_paid_in_the_ledger(catalogue, login, page, live_server, screenshot):
    account = FundedAccountFactory(name="Aurora Live", funds={"cash": "20.00", "free": "1.00"})
    MemberFactory(user=UserFactory(username="buyer"), account=account)
    login("buyer", "correct-horse")

    page.get_by_test_id("buy-package").click()
    dialog = page.get_by_role("dialog", name="Buy package")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Package type and size").select_option(label="500 GB - USD 19.10")
    expect(dialog.get_by_test_id("quote-due")).to_have_text("USD 19.10")
    screenshot("buy-dialog")
    dialog.get_by_role("button", name="Confirm and pay USD 19.10").click()

    expect(page.get_by_role("status").filter(has_text="Bought")).to_be_visible()
    expect(dialog).to_be_hidden()
    package = Package.objects.get(owner=account)
    assert (package.paid_free, package.paid_cash) == (1, package.list_price - 1)
    expect(page.get_by_role("cell", name=package.code)).to_be_visible()

    page.get_by_role("link", name="Balance and bills").click()
    expect(page.get_by_test_id("balance-cash")).to_have_text("USD 1.90")
    expect(page.get_by_test_id("ledger")).to_contain_text("Package purchase")

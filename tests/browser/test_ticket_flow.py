import re

import pytest
from playwright.sync_api import expect

from console.packages.models import Package
from tests.factories import MemberFactory, PackageFactory, UserFactory

# Real commits: the live server's requests run on their own connection.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_co_anchoring_package_is_refunded_through_a_ticket_approved_in_the_admin(login, page, live_server, screenshot):
    # given an owner with a co-anchoring package, which the console cannot refund by itself
    owner = MemberFactory(user=UserFactory(username="owner1"), account__name="Aurora Live")
    package = PackageFactory(owner=owner.account, kind="co_anchoring")
    UserFactory(username="admin", is_staff=True, is_superuser=True)

    # the owner follows the package row's ticket link
    login("owner1", "correct-horse")
    page.get_by_role("link", name="Plugins & other packages").click()
    row = page.locator(f'[data-testid="package-row"][data-code="{package.code}"]')
    row.get_by_role("link", name="Submit a ticket to refund").click()

    expect(page.get_by_test_id("chosen-product")).to_contain_text("Cloud Streaming Services")
    expect(page.get_by_role("link", name="Other problem")).to_have_attribute("aria-current", "true")
    expect(page.get_by_label("Related package")).to_have_value(package.code)
    page.get_by_label("Title").fill("Refund my co-anchoring package")
    page.get_by_label("Description").fill("Bought the wrong size by mistake; it has not been used.")
    page.get_by_label("Phone number").fill("13800000000")
    # Back to the top, so the full-page shot does not catch the sticky top bar mid-page.
    page.evaluate("window.scrollTo(0, 0)")
    screenshot("ticket-submit")
    page.get_by_role("button", name="Submit Ticket").click()

    expect(page.get_by_test_id("ticket-status")).to_have_text("Open")
    page.get_by_role("button", name="Log out").click()

    # a superuser reviews it in the admin and approves the refund
    page.goto(f"{live_server.url}/admin/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill("correct-horse")
    page.get_by_role("button", name="Log in").click()
    page.locator("#tickets-ticket").get_by_role("link", name="Tickets").click()
    page.get_by_role("link", name="Refund my co-anchoring package").click()
    expect(page.locator(".refund-verdict")).to_contain_text("Refundable")
    screenshot("admin-ticket-review")
    page.get_by_role("button", name="Approve refund").click()

    expect(page.locator(".messagelist")).to_contain_text(re.compile(r"resolved: refunded USD \d+\.\d\d"))
    page.get_by_role("button", name="Log out").click()

    # the owner sees the ticket resolved and the package refunded
    login("owner1", "correct-horse")
    page.get_by_test_id("ticket-menu").locator("summary").click()
    page.get_by_role("link", name="My tickets").click()
    expect(page.get_by_test_id("my-tickets")).to_contain_text("Resolved")
    page.get_by_role("link", name="Refund my co-anchoring package").click()
    expect(page.locator("#conversation")).to_contain_text("We approved the refund")
    screenshot("ticket-resolved")
    page.get_by_role("link", name="Package/Plugin Management").click()
    page.get_by_role("link", name="Plugins & other packages").click()
    expect(row.get_by_test_id("status")).to_have_text("Refunded")
    assert Package.objects.get(pk=package.pk).refunded_at is not None


def test_the_menu_path_search_css_select_other_problem_opens_the_form_in_place(login, page):
    MemberFactory(user=UserFactory(username="owner2"))
    login("owner2", "correct-horse")

    page.get_by_test_id("ticket-menu").locator("summary").click()
    page.get_by_role("link", name="Submit a Ticket").click()
    page.get_by_label("Search for a product").press_sequentially("CSS")
    products = page.get_by_role("list", name="Products").get_by_role("link")
    expect(products).to_have_count(1)
    products.get_by_text("Cloud Streaming Services").click()
    page.get_by_role("link", name="Other problem").click()

    expect(page.get_by_label("Title")).to_be_visible()
    expect(page).to_have_url(re.compile(r"product=css&issue_type=other"))

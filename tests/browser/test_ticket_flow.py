import re

import pytest
from playwright.sync_api import expect

from console.packages.models import Package
from tests.factories import MemberFactory, PackageFactory, ReviewerFactory, TicketFactory, UserFactory
from tickets import services

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
    page.get_by_test_id("ticket-menu").get_by_role("link", name="My tickets").click()
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
    # A full page load: type once htmx listens to the search box, as a person would after it shows.
    page.wait_for_load_state()
    page.get_by_label("Search for a product").press_sequentially("CSS")
    products = page.get_by_role("list", name="Products").get_by_role("link")
    expect(products).to_have_count(1)
    products.get_by_text("Cloud Streaming Services").click()
    page.get_by_role("link", name="Other problem").click()

    expect(page.get_by_label("Title")).to_be_visible()
    expect(page).to_have_url(re.compile(r"product=css&issue_type=other"))


# --- how a ticket ended, kept current, on a phone and a laptop ----------------------


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}], ids=["phone", "laptop"])
def test_a_rejected_ticket_reads_rejected_and_a_reply_redraws_its_badge_and_reopen(login, page, viewport, screenshot):
    page.set_viewport_size(viewport)
    owner = MemberFactory(user=UserFactory(username="owner3"))
    ticket = TicketFactory(member=owner, title="Refund please", description="Wordwithoutspaces" * 40)
    services.ticket_reject(ticket_id=ticket.pk, staff=ReviewerFactory(), reason="The package was used.")

    login("owner3", "correct-horse")
    page.goto(page.url.split("/css/")[0] + f"/tickets/{ticket.pk}/")

    status = page.get_by_test_id("ticket-status")
    expect(status).to_have_text("Rejected")
    expect(status).to_have_class(re.compile(r"\bticket-rejected\b"))
    expect(page.get_by_role("button", name="Reopen")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(f"ticket-rejected-{viewport['width']}")

    page.get_by_label("Reply").fill("It was not used; please check again.")
    page.get_by_role("button", name="Reply").click()

    expect(page.get_by_test_id("ticket-status")).to_have_text("Processing")
    expect(page.get_by_role("button", name="Reopen")).to_have_count(0)
    expect(page.locator("#conversation")).to_contain_text("It was not used; please check again.")


def test_the_review_desk_offers_only_what_can_still_happen_and_reads_like_the_console(login, page, live_server, screenshot):
    page.set_viewport_size({"width": 1280, "height": 800})
    owner = MemberFactory(user=UserFactory(username="owner4"))
    sub_user = MemberFactory(user=UserFactory(username="clerk4"), account=owner.account, sub_user=True)
    package = PackageFactory(owner=owner.account, kind="co_anchoring", spec_name="1,000 hours")
    ticket = TicketFactory(member=sub_user, package=package, title="Refund the co-anchoring hours")
    UserFactory(username="admin4", is_staff=True, is_superuser=True)
    services.ticket_assign(ticket_id=ticket.pk, staff=ReviewerFactory())

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("User name").fill("admin4")
    page.get_by_label("Password").fill("correct-horse")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto(f"{live_server.url}/admin/tickets/ticket/{ticket.pk}/change/")

    desk = page.get_by_test_id("review-desk")
    expect(desk.get_by_test_id("desk-requester")).to_contain_text("clerk4")
    expect(desk.get_by_test_id("desk-requester")).to_contain_text("may not refund this account's packages")
    expect(desk.get_by_role("button", name="Approve refund")).to_have_count(0)
    expect(page.get_by_text("used 0 h of 1,000 h")).to_be_visible()
    expect(page.get_by_text("status: open → processing")).to_be_visible()
    expect(page.locator(".closelink")).to_have_count(0)
    screenshot("admin-desk-open")

    desk.get_by_label("Reason the customer will read").fill("A sub-user cannot ask for this refund.")
    desk.get_by_role("button", name="Reject").click()

    expect(page.get_by_test_id("desk-status")).to_have_text("Rejected")
    for name in ("Assign to me", "Reject", "Approve refund"):
        expect(page.get_by_test_id("review-desk").get_by_role("button", name=name, exact=True)).to_have_count(0)
    expect(page.get_by_test_id("review-desk").get_by_role("button", name="Send reply")).to_be_visible()
    screenshot("admin-desk-rejected")

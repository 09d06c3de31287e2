"""The guided tour (README, "Guided tour"): each step driven through the real pages on the demo seed.

Each test saves the screenshots its tour step links to, after asserting what they must show, so
the pictures in the tour stay true to the code. They go to a temporary folder unless
SCREENSHOTS_DIR says otherwise: `SCREENSHOTS_DIR=docs/screenshots uv run pytest tests/browser/test_tour.py`
refreshes the README's.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from console.demo.tour import TOUR
from console.packages.models import Package
from tests.browser.htmx import htmx_settled

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # A laptop: every column of the package table, Refund included, fits at 1280 px.
    pytest.mark.browser_context_args(viewport={"width": 1280, "height": 800}),
]


@pytest.fixture
def tour(settings, login, page, live_server):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=StringIO())
    login("demo", "demo")
    return Tour(page, live_server.url)


class Tour:
    def __init__(self, page, url: str):
        self.page, self.url = page, url

    def go(self, path: str):
        self.page.goto(self.url + path)
        self.page.wait_for_load_state("networkidle")

    def row(self, code: str):
        return self.page.locator(f"[data-testid=package-row][data-code='{code}']")

    def panel(self):
        panel = self.page.get_by_test_id("demo-panel")
        if panel.get_attribute("open") is None:
            panel.locator("summary").click()
        return panel

    def close_panel(self):
        panel = self.page.get_by_test_id("demo-panel")
        if panel.get_attribute("open") is not None:
            panel.locator("summary").click()

    def click_in_panel(self, name: str | re.Pattern):
        # Every panel action reloads the page (htmx's HX-Redirect, or a plain redirect).
        with self.page.expect_navigation():
            self.panel().get_by_role("button", name=name).click()
        self.page.wait_for_load_state("networkidle")

    def persona(self, username: str):
        # The button reads "<name> <who>", e.g. "demo owner".
        self.click_in_panel(re.compile(rf"^{username}\b"))

    def to_deadline(self, code: str, button: str):
        self.panel()
        htmx_settled(self.page)  # the package chooser loads into the panel with htmx
        self.panel().get_by_label("Package").select_option(value=str(Package.objects.get(code=code).pk))
        self.click_in_panel(button)

    def refund_page(self, code: str):
        """The refund dialog as its own page: the one place that lists why a refund is refused."""
        self.go(f"/refunds/packages/{Package.objects.get(code=code).pk}/")
        return self.page.get_by_test_id("refund-errors")


def expect_unavailable(row):
    """The row's Refund is not live: the package page marks it and says why beside it."""
    expect(row.get_by_test_id("refund")).not_to_have_class(re.compile(r"\bbtn-refund\b"))
    expect(row.get_by_test_id("refund-why")).to_be_visible()


def test_step_01_the_presenter_panel_over_the_package_page(tour, screenshot):
    tour.panel()

    expect(tour.page.get_by_test_id("demo-persona")).to_have_text("demo")
    expect(tour.page.get_by_test_id("demo-time")).to_be_visible()
    screenshot("tour-01-presenter-panel")


def test_step_02_a_refund_inside_the_window(tour, screenshot):
    tour.row("lvpkg-dm000001").get_by_role("link", name="Refund").click()
    dialog = tour.page.get_by_role("dialog")
    expect(dialog).to_contain_text("Total refunded")
    screenshot("tour-02-refund-dialog")

    dialog.get_by_label("I understand").check()
    dialog.get_by_role("button", name="Refund USD").click()

    expect(tour.row("lvpkg-dm000001").get_by_test_id("status")).to_have_text("Refunded")
    expect(tour.page.locator(".toast")).to_contain_text("Refunded USD 37.01")
    screenshot("tour-03-refunded")


def test_step_03_the_window_closes_at_23_59_59_of_the_fifth_day(tour, screenshot):
    tour.to_deadline("lvpkg-dm000008", "Last minute before deadline")
    expect(tour.page.get_by_test_id("demo-time")).to_contain_text("23:59:")
    expect(tour.row("lvpkg-dm000008").get_by_role("link", name="Refund")).to_be_visible()
    screenshot("tour-04-deadline-last-minute")

    tour.to_deadline("lvpkg-dm000008", "1 s past deadline")
    expect(tour.page.get_by_test_id("demo-time")).to_contain_text("00:00:0")
    expect_unavailable(tour.row("lvpkg-dm000008"))
    expect(tour.row("lvpkg-dm000008").get_by_test_id("refund-why")).to_contain_text("refund window has closed")
    screenshot("tour-05-deadline-passed")


def test_step_04_a_used_package(tour, screenshot):
    expect_unavailable(tour.row("lvpkg-dm000005"))

    expect(tour.refund_page("lvpkg-dm000005")).to_contain_text("The package has been used")
    screenshot("tour-06-used")


def test_step_04_billing_a_day_uses_a_package_and_closes_its_refund(tour):
    # The natural order: simulate yesterday's usage, then bill it.
    tour.click_in_panel("Simulate yesterday's usage")
    # Billing runs as shards (on the workers, or here without a broker); the panel shows their
    # progress in place instead of reloading the page.
    tour.panel().get_by_role("button", name="Bill yesterday's usage").click()
    expect(tour.page.get_by_test_id("billing-progress")).to_have_attribute("data-done", "true")
    expect(tour.page.get_by_test_id("billing-progress")).not_to_contain_text(" 0 of 0 ")

    tour.go("/css/packages/?tab=transcoding")
    expect(tour.row("lvpkg-dm000003").get_by_test_id("status")).to_have_text("In use")
    expect_unavailable(tour.row("lvpkg-dm000003"))


def test_step_05_a_giveaway(tour, screenshot):
    expect_unavailable(tour.row("lvpkg-dm000010"))

    expect(tour.refund_page("lvpkg-dm000010")).to_contain_text("Giveaway packages cannot be refunded.")
    screenshot("tour-07-giveaway")


def test_step_06_an_account_suspended_for_violations(tour, screenshot):
    tour.persona("suspended")
    expect(tour.page.get_by_test_id("account-banner")).to_contain_text("suspended for violating the rules")
    expect_unavailable(tour.row("lvpkg-dm000021"))
    tour.close_panel()
    screenshot("tour-08-suspended-packages")

    expect(tour.refund_page("lvpkg-dm000021")).to_contain_text("suspended for violating the rules")
    screenshot("tour-09-suspended")


def test_step_07_billing_in_progress(tour, screenshot):
    tour.click_in_panel("Open a billing window")
    expect(tour.page.get_by_test_id("demo-billing-flag")).to_be_visible()
    expect_unavailable(tour.row("lvpkg-dm000002"))
    screenshot("tour-10-billing-window")

    expect(tour.refund_page("lvpkg-dm000002")).to_contain_text("Billing is being processed")
    screenshot("tour-11-billing-in-progress")

    tour.click_in_panel("Close the billing window")
    expect(tour.page.get_by_role("button", name="Refund USD")).to_be_visible()


def test_step_08_a_sub_user_without_the_refund_permission(tour, screenshot):
    tour.persona("viewer")
    expect(tour.page.get_by_test_id("account-chip")).to_contain_text("viewer (sub-user)")

    expect(tour.refund_page("lvpkg-dm000002")).to_contain_text("You do not have permission to refund packages")
    screenshot("tour-12-viewer")


def test_step_09_a_co_anchoring_package_goes_through_a_ticket_and_staff_approval(tour, screenshot):
    # given the owner asks for a refund of a co-anchoring package, which needs a ticket
    tour.page.get_by_role("link", name="Plugins & other packages").click()
    tour.row("lvpkg-dm000011").get_by_role("link", name="Submit a ticket to refund").click()
    expect(tour.page.get_by_label("Related package")).to_have_value("lvpkg-dm000011")
    tour.page.get_by_label("Title").fill("Refund my co-anchoring package")
    tour.page.get_by_label("Description").fill("Bought the wrong size on Tuesday; it has not been used.")
    tour.page.get_by_label("Phone number").fill("13800000000")
    tour.page.evaluate("window.scrollTo(0, 0)")
    screenshot("tour-13-ticket-form")
    tour.page.get_by_role("button", name="Submit Ticket").click()
    expect(tour.page.get_by_test_id("ticket-status")).to_have_text("Open")

    # when staff review it in the admin and approve the refund
    tour.persona("admin")
    tour.page.locator("#tickets-ticket").get_by_role("link", name="Tickets").click()
    tour.page.get_by_role("link", name="Refund my co-anchoring package").click()
    expect(tour.page.locator(".refund-verdict")).to_contain_text("Refundable")
    screenshot("tour-14-staff-review")
    tour.page.get_by_role("button", name="Approve refund").click()
    expect(tour.page.locator(".messagelist")).to_contain_text("refunded USD")

    # then, back as the owner, the ticket is resolved and the package refunded
    tour.go("/demo/")
    tour.persona("demo")
    tour.go("/css/packages/?tab=other")
    expect(tour.row("lvpkg-dm000011").get_by_test_id("status")).to_have_text("Refunded")
    screenshot("tour-15-ticket-refunded")


# --- the tour in the presenter panel (issue 23, item 25) ------------------------------------------


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}], ids=["phone", "laptop"])
def test_the_panel_sets_up_a_tour_stop_in_one_click_and_says_what_to_click(tour, screenshot, viewport):
    tour.page.set_viewport_size(viewport)
    tour.panel().get_by_label("Stop", exact=True).select_option(label="6. An account suspended for violating the rules")

    tour.click_in_panel("Set up this stop")

    expect(tour.page.get_by_test_id("demo-persona")).to_have_text("suspended")
    expect(tour.page.get_by_role("status")).to_contain_text(f"Tour stop 6 of {len(TOUR)}")
    expect(tour.panel().get_by_test_id("demo-tour-now")).to_contain_text("the banner says the account was suspended")
    expect(tour.page.get_by_test_id("account-banner")).to_contain_text("suspended for violating the rules")
    widths = tour.page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1]
    screenshot(f"tour-panel-stop-{viewport['width']}")

    tour.click_in_panel(re.compile(r"^Next stop: Billing in progress"))

    expect(tour.page.get_by_test_id("demo-persona")).to_have_text("demo")
    expect(tour.page.get_by_test_id("demo-billing-flag")).to_be_visible()


def test_in_chinese_a_tour_stop_reads_chinese_and_the_panel_fits_a_phone(tour, screenshot, live_server):
    from django.conf import settings

    tour.page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}])
    tour.page.set_viewport_size({"width": 390, "height": 844})
    tour.go("/css/packages/")
    tour.panel().get_by_label("站点", exact=True).select_option(value="deadline")

    tour.click_in_panel("准备这一站")

    expect(tour.panel().get_by_test_id("demo-tour-now")).to_contain_text(f"第 3 站（共 {len(TOUR)} 站）")
    expect(tour.page.get_by_test_id("demo-time")).to_contain_text("23:59:")
    expect(tour.page.get_by_test_id("demo-time")).to_contain_text("（UTC+8）")
    widths = tour.page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1]
    screenshot("tour-panel-stop-390-zh")

    tour.click_in_panel("截止后 1 秒")  # what the stop says to click next

    expect(tour.page.get_by_test_id("demo-time")).to_contain_text("00:00:0")
    expect(tour.row("lvpkg-dm000008").get_by_test_id("deadline")).to_contain_text("已关闭")

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from console.core import clock
from tests.browser.htmx import htmx_settled
from tests.factories import MemberFactory, PackageFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_owner(settings):
    # The live server runs in this process, so it sees the setting at once.
    settings.DEMO_MODE = True
    return MemberFactory(user=UserFactory(username="demo"), account__name="Aurora Live")


def panel_open(page):
    panel = page.get_by_test_id("demo-panel")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    return panel


def move_to_deadline(page, package, button: str):
    panel = panel_open(page)
    htmx_settled(page)  # the package chooser loads into the panel with htmx
    panel.get_by_label("Package").select_option(value=str(package.pk))
    # The panel answers htmx with HX-Redirect: the page is reloaded.
    with page.expect_navigation():
        panel.get_by_role("button", name=button).click()


def test_the_refund_button_stays_open_through_the_deadline_and_closes_one_second_after(demo_owner, login, page):
    package = PackageFactory(owner=demo_owner.account, purchased_at=clock.now() - timedelta(days=2))
    login("demo", "correct-horse")
    row = page.locator(f"[data-testid=package-row][data-code='{package.code}']")

    move_to_deadline(page, package, "Last minute before deadline")
    expect(page.get_by_test_id("demo-time")).to_contain_text("23:59:")
    expect(row.get_by_role("link", name="Refund")).to_be_visible()

    move_to_deadline(page, package, "1 s past deadline")
    expect(page.get_by_test_id("demo-time")).to_contain_text("00:00:0")
    # The package page's own markup: an unavailable Refund says why beside it.
    expect(row.get_by_test_id("refund")).not_to_have_class(re.compile(r"\bbtn-refund\b"))
    expect(row.get_by_test_id("refund-why")).to_contain_text("refund window has closed")


def test_one_click_switches_the_persona(demo_owner, login, page):
    MemberFactory(user=UserFactory(username="viewer"), account=demo_owner.account, sub_user=True)
    login("demo", "correct-horse")

    with page.expect_navigation():
        panel_open(page).get_by_role("button", name="viewer").click()

    expect(page.get_by_test_id("account-chip")).to_contain_text("viewer (sub-user)")
    expect(page.get_by_role("status")).to_contain_text("You are now viewer")


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_without_javascript_the_panel_still_moves_the_clock(demo_owner, login, page):
    login("demo", "correct-horse")

    panel_open(page).get_by_role("button", name="+1 day").click()

    expect(page.get_by_role("status")).to_contain_text("Clock moved +1 day")
    expect(page.get_by_role("heading", name="Package/Plugin Management")).to_be_visible()


def test_a_panel_action_comes_back_to_the_tab_shown_now(demo_owner, login, page):
    login("demo", "correct-horse")
    page.get_by_role("link", name="Transcoding package").click()
    page.wait_for_url("**/css/packages/?tab=transcoding**")

    with page.expect_navigation():
        panel_open(page).get_by_role("button", name="+1 hour").click()

    expect(page).to_have_url(re.compile(r"tab=transcoding"))


# --- the presenter panel's package chooser -------------------------------------------------------


def test_the_ticket_form_keeps_its_own_package_although_the_panel_has_a_package_chooser(demo_owner, login, page, live_server):
    package = PackageFactory(owner=demo_owner.account, kind="co_anchoring")
    PackageFactory(owner=demo_owner.account, purchased_at=clock.now() - timedelta(days=1))  # in the panel's chooser
    login("demo", "correct-horse")
    panel_open(page)
    htmx_settled(page)  # the chooser, with its own package list, is in the page now

    page.goto(f"{live_server.url}/tickets/new/?package={package.code}")
    panel_open(page)
    htmx_settled(page)
    page.get_by_label("Search for a product").press_sequentially("CSS")
    page.get_by_role("list", name="Products").get_by_role("link", name=re.compile("Cloud Streaming Services")).click()
    page.get_by_role("link", name="Other problem").click()

    expect(page.get_by_label("Related package")).to_have_value(package.code)
    expect(page.get_by_text("is not one of your account's packages")).to_have_count(0)


def test_switching_persona_on_a_page_the_new_persona_cannot_see_lands_on_the_packages_page(demo_owner, login, page, live_server):
    MemberFactory(user=UserFactory(username="suspended"), account__suspended_for_violation=True)
    ticket = TicketFactory(member=demo_owner)
    login("demo", "correct-horse")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")

    with page.expect_navigation():
        panel_open(page).get_by_role("button", name=re.compile(r"^suspended\b")).click()

    expect(page).to_have_url(re.compile(r"/css/packages/$"))
    expect(page.get_by_role("heading", name="Package/Plugin Management")).to_be_visible()
    expect(page.get_by_test_id("account-banner")).to_contain_text("suspended for violating the rules")


@pytest.mark.browser_context_args(viewport={"width": 390, "height": 844})
def test_reset_disables_its_button_and_shows_progress_until_it_is_done(demo_owner, login, page, live_server):
    login("demo", "correct-horse")
    held = []
    page.route("**/demo/reset/", lambda route: held.append(route))
    page.on("dialog", lambda dialog: dialog.accept())  # "Wipe the demo data...?"
    panel = panel_open(page)

    panel.get_by_role("button", name="Reset demo data").click()

    expect(page.get_by_test_id("demo-reset-progress")).to_be_visible()
    expect(page.get_by_test_id("demo-reset-progress")).to_contain_text("Resetting")
    expect(panel.get_by_role("button", name="Reset demo data")).to_be_disabled()
    with page.expect_navigation():
        held[0].continue_()
    expect(page.get_by_role("status")).to_contain_text("Demo data reset")


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}], ids=["phone", "laptop"])
def test_the_deadline_chooser_with_a_long_package_name_never_makes_the_page_scroll_sideways(demo_owner, login, page, viewport, screenshot):
    # A long option (code, spec, deadline and zone) made the select 539 px wide on a 390 px page.
    PackageFactory(owner=demo_owner.account, kind="transcode_standard", spec_name="100,000 hours",
                   purchased_at=clock.now() - timedelta(days=1))
    page.set_viewport_size(viewport)
    login("demo", "correct-horse")
    panel = panel_open(page)
    htmx_settled(page)
    expect(panel.get_by_label("Package")).to_be_visible()

    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    screenshot(f"demo-deadline-chooser-{viewport['width']}")

    assert widths[0] <= widths[1]

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from console.core import clock
from tests.browser.htmx import htmx_settled
from tests.factories import MemberFactory, PackageFactory, UserFactory

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
    expect(row.get_by_role("button", name="Refund")).to_have_attribute("aria-disabled", "true")
    expect(row).to_contain_text("The five-day refund window has closed.")


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

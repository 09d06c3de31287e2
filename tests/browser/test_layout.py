"""The shared layout on a phone and a laptop: a menu that folds
away, a top bar on one line, pages no wider than the screen, the account's state on every page,
readable colours, and error pages with a way back."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from console.accounts.models import AccountStatus
from refunds.services import RefundRequest, package_refund
from tests.browser.htmx import htmx_settled
from tests.factories import (
    DeductionFactory,
    FundedAccountFactory,
    MemberFactory,
    PackageFactory,
    StaffFactory,
    TicketFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def owner():
    member = MemberFactory(
        user=UserFactory(username="owner1"), account=FundedAccountFactory(name="Aurora Live", funds={"cash": "80.00"})
    )
    package = PackageFactory(owner=member.account, spec_name="1 TB")
    DeductionFactory(package=package)
    TicketFactory(member=member, package=package, title="A long word: " + "x" * 100)
    refunded = PackageFactory(owner=member.account)
    package_refund(RefundRequest(package_id=refunded.pk, owner=member.account, actor=member.user, idempotency_key="layout-refund"))
    return member


def pages_of(member, live_server) -> list[str]:
    package = member.account.packages.first()
    ticket = member.account.tickets.first()
    return [
        "/css/billing/",
        f"/css/packages/{package.code}/",
        "/tickets/",
        f"/tickets/{ticket.pk}/",
        "/tickets/new/?product=css&issue_type=other",
        reverse("refund_records"),
        reverse("users_permissions"),
        reverse("api_keys"),
        reverse("notifications:list"),
    ]


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_every_page_fits_the_screen_without_scrolling_sideways(owner, login, page, live_server, viewport, screenshot):
    page.set_viewport_size(viewport)
    login("owner1", "correct-horse")

    for path in pages_of(owner, live_server):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page_width(page) <= viewport["width"], path
        name = re.sub(r"[^a-z0-9]+", "-", path.strip("/").split("?")[0]) or "home"
        screenshot(f"layout-{viewport['width']}-{name}")


def test_on_a_phone_the_top_bar_is_one_line_and_the_menu_folds_away(owner, login, page, live_server, screenshot):
    page.set_viewport_size(PHONE)
    login("owner1", "correct-horse")
    page.goto(live_server.url + "/css/billing/")

    topbar = page.locator(".topbar").bounding_box()
    assert topbar["height"] == 50
    for item in page.locator(".topbar > *, .topbar-right > *").all():
        if item.is_visible():
            box = item.bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= 50 and box["x"] + box["width"] <= PHONE["width"]
    menu = page.get_by_test_id("sidemenu")
    expect(menu).not_to_be_visible()

    page.get_by_role("button", name="Menu").click()
    expect(menu).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
    expect(menu).to_contain_text("Aurora Live")
    screenshot("layout-phone-menu-open")

    menu.get_by_role("link", name="My tickets").click()
    expect(page).to_have_url(re.compile(r"/tickets/$"))
    expect(page.get_by_test_id("sidemenu")).not_to_be_visible()


def test_on_a_phone_escape_closes_the_menu(owner, login, page, live_server):
    page.set_viewport_size(PHONE)
    login("owner1", "correct-horse")
    page.get_by_role("button", name="Menu").click()

    page.keyboard.press("Escape")

    expect(page.get_by_test_id("sidemenu")).not_to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_focused()


def test_on_a_laptop_the_side_menu_is_always_there(owner, login, page, live_server):
    page.set_viewport_size(LAPTOP)
    login("owner1", "correct-horse")

    expect(page.get_by_test_id("sidemenu")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).not_to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_a_ledger_tap_target_and_the_export_are_inside_the_screen(owner, login, page, live_server, viewport):
    page.set_viewport_size(viewport)
    login("owner1", "correct-horse")
    page.goto(live_server.url + "/css/billing/")

    export = page.get_by_test_id("ledger-csv")
    box = export.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert box["height"] >= 32


# --- the account's state on every page --------------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_an_account_suspended_for_violations_sees_why_and_cannot_open_the_buy_dialog(login, page, live_server, viewport, screenshot):
    page.set_viewport_size(viewport)
    MemberFactory(user=UserFactory(username="nebula"), account=FundedAccountFactory(status=AccountStatus.SUSPENDED_VIOLATION))

    login("nebula", "correct-horse")

    banner = page.get_by_test_id("account-banner")
    expect(banner).to_contain_text("This account is suspended for violating the rules.")
    expect(banner).to_contain_text("Packages cannot be bought")
    refused = page.get_by_test_id("buy-package-refused")
    expect(refused).to_have_attribute("aria-disabled", "true")
    refused.click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    screenshot(f"suspended-violation-{viewport['width']}")

    page.get_by_role("link", name="Balance and bills").first.click() if viewport is LAPTOP else page.goto(live_server.url + "/css/billing/")
    expect(page.get_by_test_id("account-banner")).to_be_visible()


def test_an_account_suspended_for_overdue_payment_is_told_to_top_up_and_cannot_buy(login, page, live_server, screenshot):
    page.set_viewport_size(LAPTOP)
    MemberFactory(user=UserFactory(username="harbor"), account=FundedAccountFactory(status=AccountStatus.SUSPENDED_OVERDUE))

    login("harbor", "correct-horse")

    expect(page.get_by_test_id("account-banner")).to_contain_text("suspended for overdue payment")
    expect(page.get_by_test_id("account-banner")).to_contain_text("lifts the suspension at once")
    expect(page.get_by_test_id("banner-top-up")).to_be_visible()
    expect(page.get_by_test_id("buy-package-refused")).to_be_visible()
    screenshot("suspended-overdue-1280")


# --- text contrast ------------------------------------------------------------------------------

CONTRAST = """
(selectors) => {
  const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const selector of selectors) {
    for (const el of document.querySelectorAll(selector)) {
      if (!el.offsetParent || el.closest('[aria-disabled="true"], [disabled]')) continue;
      const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
      out.push([selector, el.textContent.trim().slice(0, 30), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]);
    }
  }
  return out;
}
"""


def test_countdowns_badges_and_hints_have_a_contrast_of_at_least_4_5_to_1(login, page, live_server):
    page.set_viewport_size(LAPTOP)
    member = MemberFactory(user=UserFactory(username="owner2"))
    PackageFactory(owner=member.account)  # unused, inside the window: a countdown
    DeductionFactory(package=PackageFactory(owner=member.account))  # in use
    login("owner2", "correct-horse")
    htmx_settled(page)

    measured = page.evaluate(CONTRAST, [".countdown", ".badge", ".hint", ".muted", ".summary-label", "a", ".tab", ".demo-zone"])

    assert {selector for selector, _, _ in measured} >= {".countdown", ".badge", ".hint"}
    low = [(selector, text, round(ratio, 2)) for selector, text, ratio in measured if ratio < 4.5]
    assert low == []


# --- error pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_a_missing_page_uses_the_console_layout_with_a_way_back(owner, login, page, live_server, viewport, screenshot):
    page.set_viewport_size(viewport)
    login("owner1", "correct-horse")
    page.goto(live_server.url + "/css/billing/")

    page.goto(live_server.url + "/css/no-such-page/")

    expect(page.get_by_test_id("error-page")).to_contain_text("There is no such page")
    screenshot(f"error-404-{viewport['width']}")
    page.get_by_role("link", name="Previous page").click()
    expect(page).to_have_url(re.compile(r"/css/billing/$"))
    page.go_forward()
    page.get_by_role("link", name="Back to Package/Plugin Management").click()
    expect(page.get_by_role("heading", name="Package/Plugin Management")).to_be_visible()


def test_staff_on_a_console_page_are_offered_the_admin(login, page, live_server, screenshot):
    page.set_viewport_size(LAPTOP)
    StaffFactory(username="staff1", is_superuser=True)
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill("staff1")
    page.locator("#id_password").fill("correct-horse")
    page.get_by_role("button", name="Log in").click()

    page.goto(live_server.url + "/css/billing/")

    expect(page.get_by_test_id("error-page")).to_contain_text("not linked to a cloud account")
    screenshot("error-403-staff-1280")
    page.get_by_role("link", name="Go to the admin").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

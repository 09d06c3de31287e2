"""Session expiry under htmx and Back/Forward after a refund."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.htmx import htmx_settled
from tests.factories import FundedAccountFactory, MemberFactory, PackageFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def owner():
    member = MemberFactory(
        user=UserFactory(username="owner1"), account=FundedAccountFactory(name="Aurora Live", funds={"cash": "10.00"})
    )
    PackageFactory(owner=member.account, kind="transcode_standard", spec_name="5 hours")
    return member


@pytest.fixture
def page_errors(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def row(page, package):
    return page.locator(f'[data-testid="package-row"][data-code="{package.code}"]')


def expire_session(page):
    page.context.clear_cookies(name="sessionid")


# --- session expiry under htmx ----------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_a_tab_clicked_after_the_session_expired_goes_to_the_login_page_and_back(owner, login, page, live_server, viewport, screenshot, page_errors):
    page.set_viewport_size(viewport)
    login("owner1", "correct-horse")
    page.get_by_role("link", name="Transcoding package").click()
    expect(page).to_have_url(re.compile(r"tab=transcoding"))
    htmx_settled(page)
    expire_session(page)

    page.get_by_role("link", name="Traffic package").click()

    expect(page).to_have_url(re.compile(r"/login/\?expired=1&next=%2Fcss%2Fpackages%2F%3Ftab%3Dtranscoding"))
    expect(page.get_by_test_id("session-expired")).to_have_text(re.compile(r"^Your session has expired\."))
    expect(page.locator("#package-table")).to_have_count(0)
    screenshot(f"session-expired-{viewport['width']}")
    page.get_by_label("User name").fill("owner1")
    page.get_by_label("Password").fill("correct-horse")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/css/packages/\?tab=transcoding$"))
    assert page_errors == []


def test_a_dialog_opened_after_the_session_expired_does_not_show_the_login_form_inside(owner, login, page, live_server, page_errors):
    page.set_viewport_size(LAPTOP)
    package = owner.account.packages.get()
    login("owner1", "correct-horse")
    page.get_by_role("link", name="Transcoding package").click()
    htmx_settled(page)
    expire_session(page)

    row(page, package).get_by_role("link", name="Refund").click()

    expect(page).to_have_url(re.compile(r"/login/\?expired=1"))
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("session-expired")).to_be_visible()
    assert page_errors == []


# --- Back and Forward after a refund -----------------------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_back_after_a_refund_shows_the_row_refunded_and_the_balance_current(owner, login, page, live_server, viewport, screenshot, page_errors):
    page.set_viewport_size(viewport)
    package = owner.account.packages.get()
    login("owner1", "correct-horse")
    page.get_by_role("link", name="Transcoding package").click()
    expect(page).to_have_url(re.compile(r"tab=transcoding"))
    htmx_settled(page)
    expect(page.get_by_test_id("balance-cash")).to_have_text("USD 10.00")

    # when they refund, go elsewhere, and come back with the browser's Back button
    row(page, package).get_by_role("link", name="Refund").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("I understand").check()
    dialog.get_by_role("button", name="Refund USD 0.69").click()
    expect(row(page, package).get_by_test_id("status")).to_have_text("Refunded")
    page.goto(live_server.url + "/css/billing/")
    expect(page.get_by_test_id("balance-cash")).to_have_text("USD 10.69")
    page.go_back()

    # then the page is the current one, not a snapshot from before the refund
    expect(page).to_have_url(re.compile(r"tab=transcoding"))
    expect(row(page, package).get_by_test_id("status")).to_have_text("Refunded")
    # no live Refund left on the row: the unavailable one says why (the package page's own markup)
    expect(row(page, package).get_by_test_id("refund-why")).to_have_text("Already refunded")
    expect(row(page, package).get_by_test_id("refund")).not_to_have_class(re.compile(r"\bbtn-refund\b"))
    expect(page.get_by_test_id("balance-cash")).to_have_text("USD 10.69")
    screenshot(f"back-after-refund-{viewport['width']}")

    # and forward and back through the tabs' own history entries stay current too
    page.go_forward()
    expect(page).to_have_url(re.compile(r"/css/billing/$"))
    page.go_back()
    expect(row(page, package).get_by_test_id("status")).to_have_text("Refunded")
    page.get_by_role("link", name="Traffic package").click()
    expect(page).to_have_url(re.compile(r"tab=traffic"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"tab=transcoding"))
    expect(row(page, package).get_by_test_id("status")).to_have_text("Refunded")
    expect(page.get_by_test_id("balance-cash")).to_have_text("USD 10.69")
    assert page_errors == []

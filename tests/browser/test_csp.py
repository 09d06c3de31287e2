"""The Content-Security-Policy is enforced, and the pages and htmx work under it: a person clicks
through the console, the presenter panel and the admin, and the browser reports no violation."""

import pytest
from playwright.sync_api import expect

from tests.browser.htmx import htmx_settled
from tests.factories import MemberFactory, PackageFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Recorded by the page itself, before any of its own scripts run (an init script is not subject
# to the page's policy).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
});
"""


@pytest.fixture
def violations(page):
    """Every CSP violation the browser reports, from the page's event and from its console."""
    seen: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)

    def collect() -> list[str]:
        return seen + page.evaluate("window.__cspViolations || []")

    return collect


def test_the_policy_is_enforced_not_only_reported(page, live_server):
    response = page.goto(f"{live_server.url}/login/")

    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "content-security-policy-report-only" not in response.headers


def test_the_package_page_tabs_and_refund_dialog_work_under_the_policy(login, page, violations):
    owner = MemberFactory(user=UserFactory(username="csp-owner"))
    PackageFactory(owner=owner.account)
    transcoding = PackageFactory(owner=owner.account, kind="transcode_standard")

    login("csp-owner", "correct-horse")
    # a tab: htmx swaps the table in place
    page.get_by_role("link", name="Transcoding package").click()
    htmx_settled(page)
    row = page.locator(f'tr[data-code="{transcoding.code}"]')
    expect(row).to_be_visible()
    # the refund dialog: htmx appends it to the body and console.js opens it
    row.get_by_role("link", name="Refund").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("I understand").check()
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    # the buy dialog, whose spec list asks htmx for a new quote
    page.get_by_test_id("buy-package").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    htmx_settled(page)

    assert violations() == []


def test_the_ticket_form_and_the_balance_page_work_under_the_policy(login, page, live_server, violations):
    MemberFactory(user=UserFactory(username="csp-tickets"))

    login("csp-tickets", "correct-horse")
    page.goto(f"{live_server.url}/tickets/new/")
    page.get_by_role("searchbox").fill("css")
    htmx_settled(page)
    expect(page.locator("#product-results").first).to_contain_text("Cloud Streaming Services")
    page.goto(f"{live_server.url}/css/billing/")
    htmx_settled(page)

    assert violations() == []


def test_the_presenter_panel_works_under_the_policy(login, page, settings, violations):
    settings.DEMO_MODE = True
    MemberFactory(user=UserFactory(username="demo"))

    login("demo", "correct-horse")
    panel = page.get_by_test_id("demo-panel")
    panel.locator("summary").click()
    htmx_settled(page)
    with page.expect_navigation():
        panel.get_by_role("button", name="+1 hour").click()

    assert violations() == []


def test_the_admin_and_the_review_desk_work_under_the_policy(login, page, live_server, violations):
    UserFactory(username="csp-admin", is_staff=True, is_superuser=True)
    ticket = TicketFactory()

    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("csp-admin")
    page.get_by_label("Password").fill("correct-horse")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/tickets/ticket/")
    page.goto(f"{live_server.url}/admin/tickets/ticket/{ticket.pk}/change/")
    expect(page.locator("#content")).to_be_visible()

    assert violations() == []

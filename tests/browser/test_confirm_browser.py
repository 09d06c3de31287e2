"""Irreversible actions ask first in the browser: a modal dialog says what cannot be undone,
Cancel changes nothing, the confirm button acts; under the strict CSP, at 1280x800 and 390x844,
and without JavaScript as a page of its own."""

import pytest
from playwright.sync_api import expect

from console.accounts.models import ApiKey, PolicyAttachment, PresetPolicy
from console.core import clock
from tests.browser.htmx import htmx_settled
from tests.factories import ApiKeyFactory, MemberFactory, PackageFactory, TicketFactory, UserFactory
from tickets.models import Ticket
from tickets.transitions import Status

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def problems(page):
    """CSP violations and console errors the page reports while the test runs."""
    seen: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda message: seen.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return lambda: seen + page.evaluate("window.__cspViolations || []")


def fits(page) -> bool:
    """Nothing scrolls sideways, and the open dialog is inside the viewport."""
    return page.evaluate(
        """() => {
          const d = document.querySelector('dialog[open]');
          const box = d ? d.getBoundingClientRect() : {left: 0, right: 0};
          return document.documentElement.scrollWidth <= window.innerWidth && box.left >= 0 && box.right <= window.innerWidth;
        }"""
    )


@VIEWPORTS
def test_closing_a_ticket_asks_first_and_cancel_changes_nothing(login, page, live_server, viewport, problems, screenshot):
    owner = MemberFactory(user=UserFactory(username="closer"))
    ticket = TicketFactory(member=owner, package=PackageFactory(owner=owner.account))
    page.set_viewport_size(viewport)
    login("closer", "correct-horse")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")

    page.get_by_test_id("ticket-close").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("cannot be undone")
    expect(dialog).to_contain_text("the refund it asks for is withdrawn")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    assert fits(page)
    screenshot(f"confirm-close-ticket-{viewport['width']}")
    dialog.get_by_role("button", name="Cancel").click()

    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("ticket-status")).to_have_text("Open")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN
    assert problems() == []


def test_confirming_closes_the_ticket(login, page, live_server, problems):
    owner = MemberFactory(user=UserFactory(username="closer2"))
    ticket = TicketFactory(member=owner)
    page.set_viewport_size(LAPTOP)
    login("closer2", "correct-horse")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")

    page.get_by_test_id("ticket-close").click()
    page.get_by_role("dialog").get_by_role("button", name="Close ticket").click()

    expect(page.get_by_test_id("ticket-status")).to_have_text("Closed")
    assert problems() == []


@VIEWPORTS
def test_disabling_then_deleting_a_key_asks_each_time(login, page, live_server, viewport, problems, screenshot):
    owner = MemberFactory(user=UserFactory(username="keyholder"))
    key = ApiKeyFactory(member=owner)
    page.set_viewport_size(viewport)
    login("keyholder", "correct-horse")
    page.goto(f"{live_server.url}/cam/capi/")

    page.get_by_test_id("key-disable").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(key.secret_id)
    expect(dialog).to_contain_text("stop working at once")
    assert fits(page)
    dialog.get_by_role("button", name="Disable").click()
    expect(page.locator(f'tr[data-secret-id="{key.secret_id}"]')).to_contain_text("Disabled")

    page.get_by_test_id("key-delete").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("This cannot be undone")
    assert fits(page)
    screenshot(f"confirm-delete-key-{viewport['width']}")
    dialog.get_by_role("button", name="Delete").click()

    expect(page.get_by_test_id("api-keys")).not_to_contain_text(key.secret_id)
    assert not ApiKey.objects.filter(pk=key.pk).exists()
    assert problems() == []


def test_detaching_a_policy_asks_first(login, page, live_server, problems):
    owner = MemberFactory(user=UserFactory(username="granter"))
    sub_user = MemberFactory(sub_user=True, account=owner.account, user=UserFactory(username="dora"))
    attachment = PolicyAttachment.objects.create(
        member=sub_user, preset=PresetPolicy.FINANCE_FULL_ACCESS, attached_at=clock.now()
    )
    page.set_viewport_size(PHONE)
    login("granter", "correct-horse")
    page.goto(f"{live_server.url}/cam/users/")

    page.get_by_role("link", name="Detach QCloudFinanceFullAccess from dora").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("dora loses at once what QCloudFinanceFullAccess allows")
    dialog.get_by_role("button", name="Cancel").click()
    assert PolicyAttachment.objects.filter(pk=attachment.pk).exists()

    page.get_by_role("link", name="Detach QCloudFinanceFullAccess from dora").click()
    page.get_by_role("dialog").get_by_role("button", name="Detach").click()

    expect(page.get_by_role("status")).to_contain_text("The policy is detached.")
    assert not PolicyAttachment.objects.filter(pk=attachment.pk).exists()
    assert problems() == []


def test_without_javascript_the_confirmation_is_a_page(browser, live_server):
    owner = MemberFactory(user=UserFactory(username="nojs"))
    ticket = TicketFactory(member=owner)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("User name").fill("nojs")
    page.get_by_label("Password").fill("correct-horse")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")

    page.get_by_test_id("ticket-close").click()
    expect(page.get_by_test_id("confirm-undo")).to_contain_text("cannot be undone")
    page.get_by_role("button", name="Close ticket").click()

    expect(page.get_by_test_id("ticket-status")).to_have_text("Closed")
    context.close()


@VIEWPORTS
def test_the_confirmation_in_chinese(login, page, live_server, viewport, problems):
    owner = MemberFactory(user=UserFactory(username="zhcloser"))
    ticket = TicketFactory(member=owner)
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("zhcloser")
    page.locator("#id_password").fill("correct-horse")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    htmx_settled(page)

    page.get_by_test_id("ticket-close").click()
    dialog = page.get_by_role("dialog")

    expect(dialog).to_contain_text(f"关闭工单 #{ticket.pk}？")
    expect(dialog).to_contain_text("无法撤销")
    expect(dialog.get_by_role("button", name="取消")).to_be_visible()
    assert fits(page)
    assert problems() == []

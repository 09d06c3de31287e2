"""Staff in the browser: a staff login in the console finds the review desk in its menu (at both
sizes), and the review desk's audit trail keeps its short columns on one line in Chinese."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ApproverFactory, MemberFactory, PackageFactory, TicketFactory, UserFactory
from tickets import services

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])


def admin_login(page, live_server, username, *, button="Log in"):
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("correct-horse")
    page.get_by_role("button", name=button).click()


@VIEWPORTS
def test_staff_in_the_console_find_the_review_desk_in_the_menu(page, live_server, viewport, screenshot):
    ApproverFactory(username="desk1")
    page.set_viewport_size(viewport)
    admin_login(page, live_server, "desk1")

    page.goto(f"{live_server.url}/css/billing/")
    if viewport is PHONE:
        page.get_by_role("button", name="Menu").click()
    menu = page.get_by_test_id("sidemenu")
    expect(menu.get_by_role("link", name="Review desk")).to_be_visible()
    expect(menu.get_by_role("link", name="Package/Plugin Management")).to_have_count(0)
    expect(page.get_by_test_id("ticket-menu")).to_have_count(0)
    screenshot(f"staff-nav-{viewport['width']}")
    menu.get_by_role("link", name="Review desk").click()

    expect(page).to_have_url(re.compile(r"/admin/tickets/ticket/$"))


@VIEWPORTS
def test_the_audit_trails_short_columns_stay_on_one_line_in_chinese(page, live_server, viewport, screenshot):
    member = MemberFactory()
    ticket = TicketFactory(member=member, package=PackageFactory(owner=member.account, kind="co_anchoring"))
    staff = ApproverFactory(username="desk2")
    services.ticket_assign(ticket_id=ticket.pk, staff=staff)
    services.ticket_refund_approve(ticket_id=ticket.pk, staff=staff, note="")
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.set_viewport_size(viewport)
    admin_login(page, live_server, "desk2", button="登录")

    page.goto(f"{live_server.url}/admin/tickets/ticket/{ticket.pk}/change/")

    trail = page.get_by_test_id("audit-trail")
    expect(trail).to_contain_text("退款：已完成")
    expect(page.get_by_test_id("desk-outcome")).to_contain_text("已退款")
    trail.scroll_into_view_if_needed()
    screenshot(f"desk-audit-trail-zh-{viewport['width']}")
    lines = trail.evaluate(
        """table => [...table.querySelectorAll('tbody td.nowrap')].map(cell => {
             const range = document.createRange();
             range.selectNodeContents(cell);
             const tops = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
             return [cell.textContent, tops.size];
           })"""
    )
    assert lines and all(count == 1 for _, count in lines), [line for line in lines if line[1] != 1]
    # The trail scrolls inside its own box at a phone's width; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@VIEWPORTS
def test_the_conversations_short_headers_stay_on_one_line_in_chinese(page, live_server, viewport, screenshot):
    member = MemberFactory()
    ticket = TicketFactory(member=member)
    staff = ApproverFactory(username="desk3")
    services.ticket_assign(ticket_id=ticket.pk, staff=staff)
    services.ticket_staff_reply(ticket_id=ticket.pk, staff=staff, body="我们正在处理您的工单，请稍候。" * 8)
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.set_viewport_size(viewport)
    admin_login(page, live_server, "desk3", button="登录")

    page.goto(f"{live_server.url}/admin/tickets/ticket/{ticket.pk}/change/")

    header = page.locator(".inline-group thead")
    expect(header).to_contain_text("来自运营人员")
    header.scroll_into_view_if_needed()
    screenshot(f"desk-conversation-zh-{viewport['width']}")
    lines = header.evaluate(
        """head => [...head.querySelectorAll('th')].filter(cell => cell.textContent.trim()).map(cell => {
             const range = document.createRange();
             range.selectNodeContents(cell);
             const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(rect => Math.round(rect.top)));
             return [cell.textContent.trim(), tops.size];
           })"""
    )
    assert lines and all(count == 1 for _, count in lines), [line for line in lines if line[1] != 1]


@pytest.mark.parametrize("language, button", [("en", "Log in"), ("zh-hans", "登录")])
def test_the_review_desks_queue_shows_every_column_at_a_laptops_width(page, live_server, language, button, screenshot):
    for title in ("Please refund my package", "Stream keeps dropping in the evening"):
        TicketFactory(member=MemberFactory(), package=PackageFactory(kind="co_anchoring"), title=title)
    ApproverFactory(username=f"desk4-{language}")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.set_viewport_size(LAPTOP)
    admin_login(page, live_server, f"desk4-{language}", button=button)

    page.goto(f"{live_server.url}/admin/tickets/ticket/")

    results = page.locator("#changelist .results")
    expect(results.locator("tbody tr")).to_have_count(2)
    screenshot(f"desk-queue-{language}-1280")
    assert results.evaluate("box => box.scrollWidth <= box.clientWidth + 1"), results.evaluate(
        "box => [box.scrollWidth, box.clientWidth]"
    )

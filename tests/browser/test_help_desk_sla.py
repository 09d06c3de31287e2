"""The help desk in the browser, as issue 25's "done when" says: the customer submits with an
urgency and reads by when staff will reply; staff filter the queue by "due today", reply and
resolve with an answer; the customer rates it 5 with a comment; staff see the rating; the presenter
moves the clock and a ticket shows as breached. Then the same pages at a phone's width in Chinese."""

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from console.core import clock
from tests.browser.test_staff_browser import admin_login
from tests.factories import MemberFactory, TicketFactory, UserFactory
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

ZONE = ZoneInfo("Asia/Shanghai")
# A Tuesday morning in business hours: a High ticket is due for a first reply at noon, today.
TUESDAY_10 = datetime(2026, 12, 8, 10, 0, tzinfo=ZONE)
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def desk(settings, monkeypatch):
    """Demo mode (the presenter's clock) on a clock that starts on Tuesday at 10:00 and moves
    with the presenter's offset; a customer, and a staff superuser."""
    settings.DEMO_MODE = True
    monkeypatch.setattr(clock, "now", lambda: TUESDAY_10 + clock.offset())
    customer = MemberFactory(user=UserFactory(username="owner25", email="owner25@example.com"), account__name="Aurora Live")
    UserFactory(username="desk25", is_staff=True, is_superuser=True, email="desk25@example.com")
    return customer


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_submit_reply_resolve_rate_and_watch_a_ticket_breach(desk, login, page, live_server, screenshot):
    page.set_viewport_size(LAPTOP)
    # Another customer's Urgent ticket, due for a first reply in 30 minutes (round the clock).
    stream_down = services.ticket_submit(
        member=MemberFactory(), product="css", issue_type="push_playback", title="Stream down in Guangzhou",
        description="Nothing plays.", package=None, contact_email="ops@example.com", contact_phone="+86 13800000000",
        contact_time="anytime", attachments=[], submission_key=uuid.uuid4(), priority="urgent",
    )

    # the customer submits with an urgency and reads by when staff will reply
    login("owner25", "correct-horse")
    page.goto(f"{live_server.url}/tickets/new/?product=css&issue_type=other")
    page.get_by_label("High").check()
    page.get_by_label("Title").fill("How do I add a second push domain?")
    page.get_by_label("Description").fill("We want a separate push domain for our events team.")
    page.get_by_label("Phone number").fill("13800000000")
    page.get_by_role("button", name="Submit Ticket").click()
    expect(page.get_by_test_id("reply-by")).to_have_text("We will reply by 2026-12-08 12:00:00 (UTC+8).")
    expect(page.get_by_test_id("ticket-urgency")).to_have_text("High")
    screenshot("help-desk-reply-by-1280")
    ticket = Ticket.objects.get(title="How do I add a second push domain?")
    page.get_by_role("button", name="Log out").click()

    # staff filter the queue by "due today", reply, and resolve with an answer
    admin_login(page, live_server, "desk25")
    page.goto(f"{live_server.url}/admin/tickets/ticket/")
    page.locator("#changelist-filter").get_by_role("link", name="Due today").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Stream down in Guangzhou")
    expect(rows.nth(1)).to_contain_text("First reply: 2h 0m left")
    screenshot("help-desk-queue-due-today-1280")
    page.get_by_role("link", name="How do I add a second push domain?").click()
    page.get_by_label("Saved reply").select_option(label="Looking into it")
    page.get_by_role("button", name="Use").click()
    expect(page.get_by_label("Reply to the customer")).to_have_value(re.compile("We are looking into it"))
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Ticket #{ticket.pk} answered.")
    page.get_by_label("Reply to the customer").fill("Add it under Domain Management > Add Domain, type Push.")
    page.get_by_test_id("resolve-with-answer").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Ticket #{ticket.pk} resolved with your answer.")
    expect(page.get_by_test_id("desk-status")).to_have_text("Resolved: answered")
    page.get_by_role("button", name="Log out").click()

    # the customer rates it 5 with a comment
    login("owner25", "correct-horse")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Resolved: answered")
    page.get_by_label("5 - Very satisfied").check()
    page.get_by_label("Comment (optional)").fill("Clear and quick, thank you.")
    page.get_by_role("button", name="Send rating").click()
    expect(page.get_by_test_id("rating-given")).to_contain_text("You rated it 5 of 5")
    screenshot("help-desk-rated-1280")
    page.get_by_role("button", name="Log out").click()

    # staff see the rating in the queue and on the desk
    admin_login(page, live_server, "desk25")
    page.goto(f"{live_server.url}/admin/tickets/ticket/")
    row = page.locator("#result_list tbody tr", has_text="How do I add a second push domain?")
    expect(row.get_by_test_id("queue-rating")).to_have_text("5/5")
    expect(row.get_by_test_id("queue-rating")).to_have_attribute("title", "Clear and quick, thank you.")
    row.get_by_role("link", name="How do I add a second push domain?").click()
    expect(page.get_by_test_id("desk-rating")).to_contain_text("Clear and quick, thank you.")

    # the presenter moves the clock an hour on: the urgent ticket shows as breached
    page.goto(f"{live_server.url}/admin/tickets/ticket/?due=breached")
    expect(page.locator("#result_list tbody tr")).to_have_count(0)
    page.goto(f"{live_server.url}/demo/")
    # The panel answers htmx with HX-Redirect: the page is reloaded.
    with page.expect_navigation():
        page.get_by_role("button", name="+1 hour").first.click()
    page.goto(f"{live_server.url}/admin/tickets/ticket/?due=breached")
    breached = page.locator("#result_list tbody tr")
    expect(breached).to_have_count(1)
    expect(breached.first).to_contain_text("Stream down in Guangzhou")
    expect(breached.first.get_by_test_id("due")).to_have_text("First reply: overdue by 30m")
    expect(breached.first.get_by_test_id("due")).to_have_attribute("data-state", "breached")
    screenshot("help-desk-breached-1280")
    assert no_sideways_scroll(page)
    # the sweep that ran after the clock move warned every reviewer once
    assert Ticket.objects.get(pk=stream_down.pk).first_reply_warned_for == stream_down.first_reply_due_at


def test_in_chinese_on_a_phone_the_reply_by_time_the_rating_form_and_the_queue_fit(desk, login, page, live_server, screenshot):
    page.set_viewport_size(PHONE)
    open_ticket = TicketFactory(
        member=desk, title="推流域名配置", first_reply_due_at=TUESDAY_10 + timedelta(hours=2),
        resolution_due_at=TUESDAY_10 + timedelta(days=1), priority="high",
    )
    answered = TicketFactory(member=desk, title="录制文件存放位置", created_at=TUESDAY_10 - timedelta(hours=3))
    services.ticket_resolve_with_answer(ticket_id=answered.pk, staff=UserFactory(username="desk25"), answer="存放在点播存储中。")

    login("owner25", "correct-horse")
    # Chinese from here on (the login form's labels are read in English by the fixture).
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.goto(f"{live_server.url}/tickets/{open_ticket.pk}/")
    expect(page.get_by_test_id("reply-by")).to_have_text("我们将在 2026-12-08 12:00:00（UTC+8） 前回复您。")
    assert no_sideways_scroll(page)
    screenshot("help-desk-reply-by-zh-390")
    page.goto(f"{live_server.url}/tickets/{answered.pk}/")
    expect(page.get_by_test_id("rating")).to_contain_text("评价此工单")
    assert no_sideways_scroll(page)
    screenshot("help-desk-rating-form-zh-390")
    page.get_by_role("button", name="退出登录").click()

    admin_login(page, live_server, "desk25", button="登录")
    page.goto(f"{live_server.url}/admin/tickets/ticket/")
    expect(page.locator("#result_list")).to_contain_text("首次回复：剩余 2 小时 0 分钟")
    # The time left is in view on a phone before the queue's table is scrolled sideways.
    due = page.locator("#result_list tbody tr", has_text="推流域名配置").get_by_test_id("due").bounding_box()
    assert due["x"] + due["width"] <= PHONE["width"]
    screenshot("help-desk-queue-zh-390")
    page.goto(f"{live_server.url}/admin/tickets/ticket/report/")
    expect(page.get_by_test_id("desk-report")).to_contain_text("按时长统计的未结工单")
    assert no_sideways_scroll(page)
    screenshot("help-desk-report-zh-390")

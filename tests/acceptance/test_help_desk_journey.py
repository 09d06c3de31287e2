"""The help desk on the README's demo, from outside: the customer submits an Urgent ticket and reads
by when staff will reply; staff filter the queue by "due today", reply and resolve with an answer;
the customer rates it 5 with a comment; staff see the rating; the presenter moves the clock an hour
and a seeded ticket shows as breached."""

import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

SLOW = 15_000


def panel_open(page):
    panel = page.get_by_test_id("demo-panel")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    return panel


def presenter_clock(page, button: str) -> None:
    # The panel answers htmx with HX-Redirect: the page is reloaded.
    with page.expect_navigation():
        panel_open(page).get_by_role("button", name=button).click()


def switch_to(page, demo, username: str) -> None:
    """One click in the presenter panel, as the presenter switches persona (admin pages have no
    panel: its page, /demo/, has)."""
    page.goto(f"{demo.url}/demo/")
    with page.expect_navigation():
        panel_open(page).locator(f"button[name=username][value={username}]").click()


def test_submit_reply_resolve_rate_and_a_ticket_breaches_when_the_clock_moves(demo, sign_in, page):
    page.set_viewport_size({"width": 1280, "height": 800})
    title = f"Acceptance: stream down {uuid.uuid4().hex[:6]}"
    sign_in("demo")
    moved = False
    try:
        # An Urgent ticket is due for a first reply 30 minutes after it is submitted, round the
        # clock; in the last half hour of the day that is tomorrow, so the presenter moves on first.
        if datetime.now(ZoneInfo("Asia/Shanghai")).hour == 23:
            presenter_clock(page, "+1 hour")
            moved = True

        # the customer submits with an urgency and reads by when staff will reply
        page.goto(f"{demo.url}/tickets/new/?product=css&issue_type=other")
        page.get_by_label("Urgent").check()
        page.get_by_label("Title").fill(title)
        page.get_by_label("Description").fill("Our main channel stopped pushing a minute ago.")
        page.get_by_label("Phone number").fill("13800000000")
        page.get_by_role("button", name="Submit Ticket").click()
        expect(page.get_by_test_id("reply-by")).to_have_text(re.compile(r"We will reply by \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC\+8\)\."), timeout=SLOW)
        ticket_url = page.url

        # staff filter the queue by "due today", reply and resolve with an answer
        switch_to(page, demo, "admin")
        page.goto(f"{demo.url}/admin/tickets/ticket/")
        page.locator("#changelist-filter").get_by_role("link", name="Due today").click()
        page.get_by_role("link", name=title).click()
        page.get_by_label("Reply to the customer").fill("We see the disconnects and are restarting the ingest node.")
        page.get_by_role("button", name="Send reply").click()
        expect(page.locator(".messagelist")).to_contain_text("answered", timeout=SLOW)
        page.get_by_label("Reply to the customer").fill("The ingest node was restarted; pushing works again.")
        page.get_by_test_id("resolve-with-answer").click()
        expect(page.get_by_test_id("desk-status")).to_have_text("Resolved: answered", timeout=SLOW)

        # the customer rates it 5 with a comment
        switch_to(page, demo, "demo")
        page.goto(ticket_url)
        page.get_by_label("5 - Very satisfied").check()
        page.get_by_label("Comment (optional)").fill("Fixed within the hour.")
        page.get_by_role("button", name="Send rating").click()
        expect(page.get_by_test_id("rating-given")).to_contain_text("You rated it 5 of 5", timeout=SLOW)

        # staff see the rating
        switch_to(page, demo, "admin")
        page.goto(f"{demo.url}/admin/tickets/ticket/?q={title.split(':')[0]}")
        row = page.locator("#result_list tbody tr", has_text=title)
        expect(row.get_by_test_id("queue-rating")).to_have_text("5/5")

        # the presenter moves the clock an hour: the seeded Urgent ticket (due 20 minutes after the
        # seed) shows as breached
        page.goto(f"{demo.url}/css/billing/")
        presenter_clock(page, "+1 hour")
        moved = True
        page.goto(f"{demo.url}/admin/tickets/ticket/?due=breached")
        late = page.locator("#result_list tbody tr", has_text="Live stream keeps dropping every few minutes")
        expect(late.get_by_test_id("due")).to_have_attribute("data-state", "breached")
        expect(late.get_by_test_id("due")).to_contain_text("overdue by")
    finally:
        # The other journeys run on the same demo at real time.
        if moved:
            page.goto(f"{demo.url}/demo/")
            presenter_clock(page, "Back to real time")

"""The Package/Plugin Management page at a laptop's and a phone's size: Refund and the dialog's
confirm on screen and tappable, the reasons a refund is unavailable, one request per double
click, countdowns that tick, rows that stay current."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from console.core import clock
from refunds.services import RefundRequest, package_refund
from tests.browser.htmx import htmx_settled
from tests.factories import DeductionFactory, MemberFactory, PackageFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = [pytest.param(LAPTOP, id="1280x800"), pytest.param(PHONE, id="390x844")]
SLOW = 15_000  # the host runs other suites at the same time


def row(page, package):
    return page.locator(f'tr[data-code="{package.code}"]')


def inside_viewport(page, locator) -> bool:
    """The element's whole box is on screen (after scrolling it into view, as a person would)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None and box["width"] > 0 and box["height"] > 0
        and box["x"] >= 0 and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"]
    )


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def owner_with_every_tab(username: str):
    owner = MemberFactory(user=UserFactory(username=username), account__name="Aurora Live",
                          account__cash_balance=Decimal("10.00"))
    account = owner.account
    now = clock.now()
    # a long payer name and a used package, so every column has something wide in it
    PackageFactory(owner=account, payer=MemberFactory(account__name="Aurora Live Holdings International").account)
    DeductionFactory(package=PackageFactory(owner=account, purchased_at=now - timedelta(days=2)))
    packages = {
        "traffic": PackageFactory(owner=account),
        "transcoding": PackageFactory(owner=account, kind="transcode_tsc"),
        "other": PackageFactory(owner=account, kind="co_anchoring"),
    }
    PackageFactory(owner=account, kind="transcode_standard", purchased_at=now - timedelta(days=9))
    PackageFactory(owner=account, kind="licence", giveaway=True)
    return owner, packages


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("tab", ["traffic", "transcoding"])
def test_the_first_refundable_row_has_refund_on_screen_and_its_dialog_confirm_too(
    login, page, live_server, screenshot, viewport, tab
):
    # given an owner with packages on every tab, on a laptop or a phone
    owner_with_every_tab(f"owner-{tab}-{viewport['width']}")
    page.set_viewport_size(viewport)
    login(f"owner-{tab}-{viewport['width']}", "correct-horse")
    page.goto(f"{live_server.url}/css/packages/?tab={tab}")

    # when they find the first refundable row of the self-service tab
    refund = page.locator('[data-testid="package-row"] .btn-refund').first

    # then its Refund is on screen and can be tapped, and nothing scrolls sideways
    assert inside_viewport(page, refund)
    refund.click(trial=True)  # visible, enabled, receives the pointer: nothing covers it
    assert no_sideways_scrolling(page)
    screenshot(f"packages-{tab}-{viewport['width']}x{viewport['height']}")

    # and its dialog's confirm button is on screen too
    refund.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=SLOW)
    confirm = dialog.get_by_test_id("refund-confirm")
    expect(confirm).to_be_visible()
    assert inside_viewport(page, confirm)
    assert inside_viewport(page, dialog.get_by_label("I understand"))
    screenshot(f"refund-dialog-{tab}-{viewport['width']}x{viewport['height']}")


@pytest.mark.parametrize("tab", ["traffic", "transcoding", "other"])
def test_at_1280_wide_every_column_of_every_tab_is_on_screen(login, page, live_server, tab):
    owner_with_every_tab(f"columns-{tab}")
    page.set_viewport_size(LAPTOP)
    login(f"columns-{tab}", "correct-horse")
    page.goto(f"{live_server.url}/css/packages/?tab={tab}")

    headers = page.locator("table.packages thead th")
    expect(headers).to_have_count(7)
    width = LAPTOP["width"]
    for i in range(7):
        box = headers.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, headers.nth(i).inner_text()
    for cell in page.locator("table.packages td.operations").all():
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= width
    assert no_sideways_scrolling(page)


def test_on_a_phone_packages_are_cards_and_the_buy_dialog_fits(login, page, live_server, screenshot):
    owner, packages = owner_with_every_tab("phone-buyer")
    page.set_viewport_size(PHONE)
    login("phone-buyer", "correct-horse")

    card = row(page, packages["traffic"])
    # a card: its cells are stacked, each as wide as the card, with the column's name beside it
    cells = card.locator("td")
    first, last = cells.first.bounding_box(), cells.last.bounding_box()
    assert last["y"] > first["y"] and abs(first["x"] - last["x"]) < 2
    assert card.locator("td.deadline").evaluate("td => getComputedStyle(td, '::before').content") == '"Refund deadline"'
    assert no_sideways_scrolling(page)

    page.get_by_test_id("buy-package").click()
    dialog = page.get_by_role("dialog", name="Buy package")
    expect(dialog).to_be_visible(timeout=SLOW)
    assert inside_viewport(page, dialog.get_by_role("button", name="Confirm and pay", exact=False))
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["y"] + box["height"] <= PHONE["height"]
    screenshot("buy-dialog-390x844")


# --- why a refund is unavailable ----------------------------------------------------------

def test_an_unavailable_refund_says_why_on_the_row_and_its_button_opens_every_reason(login, page, screenshot):
    owner = MemberFactory(user=UserFactory(username="owner-why"))
    used = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=8))
    DeductionFactory(package=used)
    giveaway = PackageFactory(owner=owner.account, giveaway=True)
    page.set_viewport_size(LAPTOP)
    login("owner-why", "correct-horse")

    expect(row(page, used).get_by_test_id("refund-why")).to_have_text("Used, so not refundable")
    expect(row(page, used).get_by_test_id("deadline")).to_have_text("Not refundable")
    expect(row(page, giveaway).get_by_test_id("deadline")).not_to_contain_text("left")
    screenshot("packages-unavailable-reasons")

    row(page, used).get_by_test_id("refund").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=SLOW)
    expect(dialog.get_by_test_id("refund-errors")).to_contain_text("The five-day refund window has closed.")
    expect(dialog.get_by_test_id("refund-errors")).to_contain_text("The package has been used")
    expect(dialog.get_by_test_id("refund-confirm")).to_have_count(0)
    screenshot("refund-why-dialog")


def test_when_the_allowance_is_used_up_the_explanation_links_to_submit_a_ticket(login, page, settings, live_server):
    settings.REFUND_SELF_SERVICE_ALLOWANCE = 0
    owner = MemberFactory(user=UserFactory(username="owner-allowance"))
    package = PackageFactory(owner=owner.account)
    page.set_viewport_size(PHONE)
    login("owner-allowance", "correct-horse")

    expect(row(page, package).get_by_test_id("refund-why")).to_have_text("Self-service refunds used up")
    row(page, package).get_by_test_id("refund").click()
    link = page.get_by_role("dialog").get_by_test_id("refund-ticket-link")
    expect(link).to_be_visible(timeout=SLOW)
    link.click()
    expect(page).to_have_url(f"{live_server.url}{reverse('tickets:submit')}?product=css&issue_type=other&package={package.code}")


# --- feedback ------------------------------------------------------------------------------

def test_a_double_click_on_confirm_sends_one_request_and_shows_one_toast(login, page):
    owner = MemberFactory(user=UserFactory(username="owner-double"), account__name="Aurora Live")
    package = PackageFactory(owner=owner.account)
    page.set_viewport_size(LAPTOP)
    login("owner-double", "correct-horse")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    row(page, package).get_by_test_id("refund").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    dialog.get_by_label("I understand").check()
    dialog.get_by_test_id("refund-confirm").dblclick()

    expect(page.locator("#toasts .toast")).to_have_count(1, timeout=SLOW)
    expect(row(page, package).get_by_test_id("status")).to_have_text("Refunded", timeout=SLOW)
    page.wait_for_timeout(500)  # a second request, had one been sent, would have answered by now
    assert len([url for url in posts if url.endswith("/confirm/")]) == 1
    expect(page.locator("#toasts .toast")).to_have_count(1)


def test_the_confirm_button_is_disabled_and_says_so_while_the_refund_runs(login, page):
    owner = MemberFactory(user=UserFactory(username="owner-slow"))
    package = PackageFactory(owner=owner.account)
    page.set_viewport_size(LAPTOP)
    login("owner-slow", "correct-horse")
    row(page, package).get_by_test_id("refund").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    dialog.get_by_label("I understand").check()
    # hold the confirm request, as a slow network would
    held = []
    page.route("**/confirm/", lambda route: held.append(route))

    dialog.get_by_test_id("refund-confirm").click()

    page.wait_for_function("() => document.querySelector('[data-testid=refund-confirm]').disabled")
    expect(dialog.get_by_test_id("refund-confirm")).to_contain_text("Refunding…")
    held[0].continue_()
    expect(page.get_by_role("dialog")).to_have_count(0, timeout=SLOW)


def test_a_refund_made_in_another_tab_redraws_this_tabs_row(login, page, context):
    owner = MemberFactory(user=UserFactory(username="owner-tabs2"))
    package = PackageFactory(owner=owner.account)
    page.set_viewport_size(LAPTOP)
    login("owner-tabs2", "correct-horse")
    expect(row(page, package).get_by_test_id("status")).to_have_text("Unused")

    other = context.new_page()
    other.goto(page.url)
    row(other, package).get_by_test_id("refund").click()
    dialog = other.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=SLOW)
    htmx_settled(other)
    dialog.get_by_label("I understand").check()
    dialog.get_by_test_id("refund-confirm").click()
    expect(row(other, package).get_by_test_id("status")).to_have_text("Refunded", timeout=SLOW)

    # the first tab was not touched, yet its row follows
    expect(row(page, package).get_by_test_id("status")).to_have_text("Refunded", timeout=SLOW)


def test_a_refused_confirm_explains_and_redraws_the_row(login, page):
    owner = MemberFactory(user=UserFactory(username="owner-refused"))
    package = PackageFactory(owner=owner.account)
    page.set_viewport_size(LAPTOP)
    login("owner-refused", "correct-horse")
    row(page, package).get_by_test_id("refund").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    # meanwhile the package is refunded elsewhere (another session, a ticket approval)
    package_refund(RefundRequest(package_id=package.pk, owner=owner.account, actor=owner.user, idempotency_key=str(uuid.uuid4())))

    dialog.get_by_label("I understand").check()
    dialog.get_by_test_id("refund-confirm").click()

    expect(dialog.get_by_test_id("refund-errors")).to_contain_text("already been refunded", timeout=SLOW)
    expect(row(page, package).get_by_test_id("status")).to_have_text("Refunded", timeout=SLOW)


def test_a_countdown_ticks_and_turns_to_closed_at_the_deadline_without_a_reload(login, page, screenshot):
    owner = MemberFactory(user=UserFactory(username="owner-clock"))
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=3))
    page.clock.install()  # the browser's clock, moved by the test; the server's stays real
    page.set_viewport_size(LAPTOP)
    login("owner-clock", "correct-horse")
    countdown = row(page, package).locator(".countdown")
    before = countdown.inner_text()
    loads = page.evaluate("() => performance.getEntriesByType('navigation').length")

    page.clock.fast_forward(2 * 3600 * 1000)  # two hours later
    expect(countdown).not_to_have_text(before)

    page.clock.fast_forward(4 * 24 * 3600 * 1000)  # past the deadline
    deadline = row(page, package).get_by_test_id("deadline")
    expect(deadline).to_contain_text("Closed")
    expect(row(page, package).get_by_test_id("refund-why")).to_have_text("The 5-day refund window has closed")
    expect(row(page, package).locator(".btn-refund")).to_have_count(0)
    assert page.evaluate("() => performance.getEntriesByType('navigation').length") == loads
    screenshot("packages-countdown-closed")

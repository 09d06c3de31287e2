"""Phone cards and spacing (issue 23, items 12 and 23): on Refund records and My tickets a cell's
second line stays beside its label, not under it, and a status pill is as wide as its words; the
login page's demo list keeps clear of the Log in button; the bell's badge keeps clear of Ticket."""

import pytest
from django.urls import reverse

from console.core import clock
from console.notifications.models import Notification, NotificationDelivery, ReminderKind
from refunds.services import RefundRequest, package_refund
from tests.factories import MemberFactory, PackageFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
GAP = 8  # px: what "not touching" means here


@pytest.fixture
def owner():
    member = MemberFactory(user=UserFactory(username="cards"))
    refunded = PackageFactory(owner=member.account)
    package_refund(RefundRequest(package_id=refunded.pk, owner=member.account, actor=member.user, idempotency_key="cards"))
    TicketFactory(member=member, title="Buffering in Shenzhen")
    return member


def box(locator) -> dict:
    return locator.bounding_box()


@pytest.mark.parametrize("page_name, cell_label, second_line", [
    ("refund_records", "Package", "span.muted"),
    ("refund_records", "Refunded to", "span.muted"),
    ("refund_records", "Time", "span.muted"),
    ("tickets:mine", "Product", ".hint"),
])
def test_on_a_phone_a_cells_second_line_stays_beside_its_label(owner, login, page, live_server, page_name, cell_label, second_line):
    page.set_viewport_size(PHONE)
    login("cards", "correct-horse")

    page.goto(live_server.url + reverse(page_name))
    cell = page.locator(f'td[data-label="{cell_label}"]').first
    first_line = cell.evaluate("td => { const r = document.createRange(); r.selectNodeContents(td); return r.getClientRects()[0].left; }")

    # the value column starts well right of the card's edge (the label is left of it) ...
    assert first_line - box(cell)["x"] >= 80
    # ... and the second line starts where the first does, not under the label
    assert abs(box(cell.locator(second_line).first)["x"] - first_line) <= 1


@pytest.mark.parametrize("page_name", ["refund_records", "tickets:mine"])
def test_on_a_phone_a_status_pill_is_as_wide_as_its_words(owner, login, page, live_server, page_name):
    page.set_viewport_size(PHONE)
    login("cards", "correct-horse")

    page.goto(live_server.url + reverse(page_name))
    cell = page.locator('td[data-label="Status"]').first
    pill = cell.locator(".badge")

    assert box(pill)["width"] < box(cell)["width"] / 2


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390x844", "1280x800"])
def test_the_login_pages_demo_list_keeps_clear_of_the_log_in_button(settings, page, live_server, viewport):
    settings.DEMO_MODE = True
    page.set_viewport_size(viewport)

    page.goto(f"{live_server.url}/login/")
    button = box(page.get_by_role("button", name="Log in"))
    logins = box(page.get_by_test_id("demo-logins"))

    assert logins["y"] - (button["y"] + button["height"]) >= GAP


@pytest.mark.parametrize("language, ticket", [("en", "Ticket"), ("zh-hans", "工单")])
def test_on_a_phone_the_bells_badge_keeps_clear_of_ticket(owner, login, page, live_server, language, ticket):
    notification = Notification.objects.create(
        account=owner.account, kind=ReminderKind.EXPIRY, day=clock.today(), created_at=clock.now(),
        subject="Your packages expire soon", body="lvpkg-1 expires in 7 days",
    )
    NotificationDelivery.objects.create(notification=notification, user=owner.user)
    page.set_viewport_size(PHONE)
    login("cards", "correct-horse")
    if language != "en":
        page.get_by_test_id("language-switch").locator("summary").click()
        page.get_by_test_id(f"language-{language}").click()

    badge = box(page.get_by_test_id("bell-count"))
    menu = box(page.get_by_test_id("ticket-menu").locator("summary"))

    assert page.get_by_test_id("ticket-menu").locator("summary").inner_text() == ticket
    assert menu["x"] - (badge["x"] + badge["width"]) >= GAP

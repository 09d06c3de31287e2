import pytest
from console.demo_data import catalogue_ensure
from tests.factories import MemberFactory, PackageFactory, UserFactory, TicketFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

def test_look(login, page, live_server):
    catalogue_ensure()
    m = MemberFactory(user=UserFactory(username="o"))
    p = PackageFactory(owner=m.account, kind="co_anchoring")
    TicketFactory(member=m, package=p)
    TicketFactory(member=m)
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    login("o", "correct-horse")
    page.goto(live_server.url + "/tickets/new/?q=live")
    page.screenshot(path="/tmp/look-search.png", full_page=True)
    page.goto(live_server.url + "/tickets/")
    page.screenshot(path="/tmp/look-mine.png", full_page=True)
    page.goto(live_server.url + "/tickets/new/?product=css&issue_type=other&package=nope")
    page.get_by_role("button", name="Submit Ticket").click()
    page.screenshot(path="/tmp/look-errors.png", full_page=True)
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/?next=/admin/tickets/ticket/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill("correct-horse")
    page.get_by_role("button", name="Log in").click()
    page.screenshot(path="/tmp/look-queue.png", full_page=True)

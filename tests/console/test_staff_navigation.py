"""Staff signed in to the console without a cloud account get staff navigation: the review desk
and the admin, and no customer menu whose every link would answer 403."""

import re

import pytest
from django.urls import reverse

from tests.factories import MemberFactory, ReviewerFactory, StaffFactory

pytestmark = pytest.mark.django_db

CUSTOMER_PAGES = ["packages", "billing", "refund_records", "api_keys", "users_permissions", "tickets:mine", "tickets:submit"]


def layout_links(html: str) -> list[str]:
    """Every address the page's frame (top bar and side menu) links to, the content left out."""
    frame = html.split('<main class="content"', 1)[0]
    return re.findall(r'<a [^>]*href="(/[^"]*)"', frame)


def test_a_reviewer_is_offered_the_review_desk_and_the_admin(client):
    client.force_login(ReviewerFactory())

    html = client.get(reverse("billing")).content.decode()

    assert 'data-testid="staff-nav"' in html
    assert reverse("admin:tickets_ticket_changelist") in layout_links(html)
    assert reverse("admin:index") in layout_links(html)


def test_staff_are_offered_no_customer_page(client):
    client.force_login(ReviewerFactory())

    links = layout_links(client.get(reverse("billing")).content.decode())

    assert not {reverse(name) for name in CUSTOMER_PAGES} & set(links)
    assert 'data-testid="ticket-menu"' not in client.get(reverse("billing")).content.decode()


def test_no_link_in_a_staff_logins_menus_answers_403(client):
    client.force_login(ReviewerFactory())
    links = layout_links(client.get(reverse("packages")).content.decode())

    answers = {link: client.get(link).status_code for link in links}

    assert answers and all(status != 403 for status in answers.values()), answers


def test_staff_without_the_review_permission_are_not_offered_the_review_desk(client):
    client.force_login(StaffFactory())

    links = layout_links(client.get(reverse("billing")).content.decode())

    assert reverse("admin:tickets_ticket_changelist") not in links
    assert reverse("admin:index") in links


def test_a_customer_keeps_the_customer_menus(client):
    member = MemberFactory()
    client.force_login(member.user)

    html = client.get(reverse("packages")).content.decode()

    assert 'data-testid="staff-nav"' not in html
    assert {reverse("packages"), reverse("api_keys"), reverse("tickets:mine")} <= set(layout_links(html))


def test_a_reviewer_opening_the_consoles_root_lands_on_the_review_desk(client):
    client.force_login(ReviewerFactory())

    answer = client.get("/")

    assert answer.status_code == 302
    assert answer.headers["Location"] == reverse("admin:tickets_ticket_changelist")


def test_staff_who_may_not_review_opening_the_consoles_root_land_on_the_admin(client):
    client.force_login(StaffFactory())

    answer = client.get("/")

    assert answer.headers["Location"] == reverse("admin:index")


def test_a_customer_opening_the_consoles_root_lands_on_the_package_page(client):
    client.force_login(MemberFactory().user)

    answer = client.get("/")

    assert answer.headers["Location"] == reverse("packages")

"""My tickets as a console list: a status filter, a search by title or ticket ID, and pages that
keep both, swapped in place by htmx."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PackageFactory, TicketFactory
from tickets.transitions import Status

MINE = reverse("tickets:mine")

pytestmark = pytest.mark.django_db


def shown(response):
    return [ticket.title for ticket in response.context["tickets"]]


def test_the_status_filter_keeps_that_statuss_tickets(client, owner):
    TicketFactory(member=owner, title="still open")
    TicketFactory(member=owner, title="waiting on me", status=Status.AWAITING_CUSTOMER)

    response = client.get(MINE, {"status": "awaiting_customer"})

    assert shown(response) == ["waiting on me"]


def test_the_search_finds_tickets_by_part_of_their_title_in_any_case(client, owner):
    TicketFactory(member=owner, title="Refund for lvpkg-001")
    TicketFactory(member=owner, title="Stream keeps dropping")

    response = client.get(MINE, {"q": "STREAM"})

    assert shown(response) == ["Stream keeps dropping"]


def test_the_search_finds_a_ticket_by_its_id_written_with_a_hash(client, owner):
    wanted = TicketFactory(member=owner, title="the one")
    TicketFactory(member=owner, title="another")

    response = client.get(MINE, {"q": f"#{wanted.pk}"})

    assert shown(response) == ["the one"]


def test_a_search_of_more_digits_than_an_id_holds_searches_titles_only(client, owner):
    TicketFactory(member=owner, title="order 12345678901234567890123")

    response = client.get(MINE, {"q": "12345678901234567890123"})

    assert response.status_code == 200
    assert shown(response) == ["order 12345678901234567890123"]


def test_the_search_never_finds_another_accounts_ticket_by_id(client, owner):
    theirs = TicketFactory(title="someone else's")

    response = client.get(MINE, {"q": str(theirs.pk)})

    assert shown(response) == []
    assert "No tickets match this filter." in response.content.decode()


def test_an_unknown_status_is_explained_and_every_ticket_is_shown(client, owner):
    TicketFactory(member=owner, title="mine")

    response = client.get(MINE, {"status": "lost", "q": "nothing"})

    assert response.status_code == 200
    assert "Choose a status from the list." in response.content.decode()
    assert shown(response) == ["mine"]


def test_page_links_keep_the_filter(client, owner, monkeypatch):
    monkeypatch.setattr("tickets.views.MINE_PER_PAGE", 2)
    for number in range(3):
        TicketFactory(member=owner, title=f"refund {number}")

    html = client.get(MINE, {"status": "open", "q": "refund"}).content.decode()

    assert f'href="{MINE}?status=open&amp;q=refund&amp;page=2"' in html


def test_an_htmx_filter_answers_the_list_region_alone(client, owner):
    response = client.get(MINE, {"status": "open"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith("<section") and 'id="my-tickets-list"' in html
    assert "<h1>" not in html


def test_a_filtered_page_costs_the_same_queries_for_1_or_25_tickets(client, owner, django_assert_num_queries):
    params = {"status": "open", "q": "refund"}
    TicketFactory(member=owner, package=PackageFactory(owner=owner.account))
    client.get(MINE, params)  # session and caches warm
    with CaptureQueriesContext(connection) as one_ticket:
        client.get(MINE, params)
    for _ in range(24):
        TicketFactory(member=owner, package=PackageFactory(owner=owner.account))

    with django_assert_num_queries(len(one_ticket)):
        response = client.get(MINE, params)

    assert len(response.context["tickets"]) == 20

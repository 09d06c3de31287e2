from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from console.core import clock
from tickets import transitions
from tickets.models import Ticket, TicketMessage
from tickets.services import TicketActionRefused, ticket_close, ticket_reopen, ticket_reply
from tickets.transitions import FLOW, Status, TransitionRefused
from tests.factories import TicketFactory

# A fixed instant, not the time the module was imported: 07:30 on 10 March in Beijing, while the
# UTC date is still the 9th. Every clock.now() in these tests reads it (see pinned_clock).
NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
ALL = list(Status)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def check(current, target, resolved_at=None, now=NOW):
    transitions.check(current=current, target=target, resolved_at=resolved_at, now=now, window_days=7)


# -- the map itself (pure) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "target"), [(c, t) for c in ALL for t in sorted(FLOW[c]) if (c, t) != (Status.RESOLVED, Status.PROCESSING)]
)
def test_every_transition_in_the_map_is_allowed(current, target):
    check(current, target)


@pytest.mark.parametrize(("current", "target"), [(c, t) for c in ALL for t in ALL if t not in FLOW[c]])
def test_every_transition_outside_the_map_is_refused(current, target):
    with pytest.raises(TransitionRefused):
        check(current, target, resolved_at=NOW)


def test_nothing_follows_closed():
    assert FLOW[Status.CLOSED] == frozenset()


def test_a_resolved_ticket_may_be_reopened_on_the_last_day_of_the_window():
    check(Status.RESOLVED, Status.PROCESSING, resolved_at=NOW - timedelta(days=7))


def test_a_resolved_ticket_may_not_be_reopened_after_the_window():
    with pytest.raises(TransitionRefused, match="can be reopened for 7 days"):
        check(Status.RESOLVED, Status.PROCESSING, resolved_at=NOW - timedelta(days=7, seconds=1))


def test_the_closed_message_tells_the_customer_to_submit_a_new_ticket():
    with pytest.raises(TransitionRefused, match="Submit a new ticket"):
        check(Status.CLOSED, Status.PROCESSING)


# -- through the customer services --------------------------------------------------------------


@pytest.mark.django_db
def test_a_customer_reply_puts_an_awaiting_ticket_back_to_processing():
    ticket = TicketFactory(status=Status.AWAITING_CUSTOMER)

    ticket_reply(ticket_id=ticket.pk, member=ticket.raised_by.member, body="Here is the order number.")

    ticket.refresh_from_db()
    assert ticket.status == Status.PROCESSING


@pytest.mark.django_db
def test_a_customer_reply_inside_the_window_reopens_a_resolved_ticket():
    ticket = TicketFactory(status=Status.RESOLVED, resolved_at=clock.now() - timedelta(days=2))

    ticket_reply(ticket_id=ticket.pk, member=ticket.raised_by.member, body="Not fixed yet.")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolved_at) == (Status.PROCESSING, None)


@pytest.mark.django_db
def test_a_customer_reply_after_the_window_is_refused_and_saves_nothing():
    ticket = TicketFactory(status=Status.RESOLVED, resolved_at=clock.now() - timedelta(days=8))

    with pytest.raises(TicketActionRefused):
        ticket_reply(ticket_id=ticket.pk, member=ticket.raised_by.member, body="Still broken.")

    assert not TicketMessage.objects.exists()
    assert Ticket.objects.get().status == Status.RESOLVED


@pytest.mark.django_db
def test_reopening_after_the_window_is_refused(settings):
    settings.TICKET_REOPEN_DAYS = 3
    ticket = TicketFactory(status=Status.RESOLVED, resolved_at=clock.now() - timedelta(days=4))

    with pytest.raises(TicketActionRefused, match="3 days"):
        ticket_reopen(ticket_id=ticket.pk, member=ticket.raised_by.member)


@pytest.mark.django_db
def test_reopening_an_open_ticket_is_refused():
    ticket = TicketFactory()

    with pytest.raises(TicketActionRefused):
        ticket_reopen(ticket_id=ticket.pk, member=ticket.raised_by.member)


@pytest.mark.django_db
def test_closing_a_ticket_is_audited_with_the_old_and_new_status():
    ticket = TicketFactory(status=Status.PROCESSING)

    ticket_close(ticket_id=ticket.pk, member=ticket.raised_by.member)

    entry = ticket.account.audit_entries.get(action="ticket.status_changed")
    assert (entry.before, entry.after) == ({"status": "processing"}, {"status": "closed"})


@pytest.mark.django_db
def test_a_closed_ticket_cannot_be_closed_again():
    ticket = TicketFactory(status=Status.CLOSED)

    with pytest.raises(TicketActionRefused, match="closed"):
        ticket_close(ticket_id=ticket.pk, member=ticket.raised_by.member)


# -- through the pages ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reply_to_a_closed_ticket_is_refused_beside_the_reply_box(client):
    ticket = TicketFactory(status=Status.CLOSED)
    client.force_login(ticket.raised_by)

    response = client.post(reverse("tickets:reply", args=[ticket.pk]), {"body": "Hello?"})

    assert response.status_code == 200
    assert "This ticket is closed" in " ".join(response.context["form"].errors["body"])
    assert not TicketMessage.objects.exists()


@pytest.mark.django_db
def test_an_empty_reply_is_refused_beside_the_reply_box(client):
    ticket = TicketFactory()
    client.force_login(ticket.raised_by)

    response = client.post(reverse("tickets:reply", args=[ticket.pk]), {"body": ""}, headers={"HX-Request": "true"})

    assert response.context["form"].errors["body"] == ["This field is required."]
    assert '<section class="panel" id="conversation"' in response.content.decode()
    assert not TicketMessage.objects.exists()


@pytest.mark.django_db
def test_a_reply_over_htmx_answers_with_the_conversation_showing_it(client):
    ticket = TicketFactory()
    client.force_login(ticket.raised_by)

    response = client.post(reverse("tickets:reply", args=[ticket.pk]), {"body": "Any news?"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "Any news?" in html
    assert "<html" not in html


@pytest.mark.django_db
def test_the_close_button_closes_the_ticket(client):
    ticket = TicketFactory()
    client.force_login(ticket.raised_by)

    client.post(reverse("tickets:close", args=[ticket.pk]), {"confirmed": "yes"})

    assert Ticket.objects.get().status == Status.CLOSED


@pytest.mark.django_db
def test_the_reopen_button_shows_only_inside_the_window(client):
    ticket = TicketFactory(status=Status.RESOLVED, resolved_at=clock.now() - timedelta(days=8))
    client.force_login(ticket.raised_by)

    response = client.get(reverse("tickets:detail", args=[ticket.pk]))

    assert response.context["can_reopen"] is False
    assert ">Reopen<" not in response.content.decode()

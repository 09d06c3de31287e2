"""What the customer sees on a ticket: how it ended, a page that stays current
after a reply, no reply box once the ticket cannot be reopened, times with their zone, and long
words that wrap."""

from datetime import timedelta

import pytest
from django.urls import reverse

from console.core import clock
from console.templatetags.console_format import zoned
from tests.factories import ApproverFactory, MemberFactory, PackageFactory, ReviewerFactory, TicketFactory
from tickets import services
from tickets.models import Ticket
from tickets.transitions import Resolution, Status, badge

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    member = MemberFactory()
    client.force_login(member.user)
    return member


def detail(client, ticket) -> str:
    return client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()


def rejected(ticket) -> Ticket:
    services.ticket_reject(ticket_id=ticket.pk, staff=ReviewerFactory(), reason="Used already.")
    return Ticket.objects.get(pk=ticket.pk)


def test_a_rejected_ticket_reads_rejected_in_red_not_a_green_resolved(client, owner):
    ticket = rejected(TicketFactory(member=owner))

    html = detail(client, ticket)

    assert '<span class="badge ticket-rejected" data-testid="ticket-status">Rejected</span>' in html
    assert "badge ticket-resolved" not in html


def test_my_tickets_shows_a_rejected_ticket_as_rejected(client, owner):
    rejected(TicketFactory(member=owner))

    html = client.get(reverse("tickets:mine")).content.decode()

    assert 'class="badge ticket-rejected">Rejected<' in html


def test_an_approved_refund_reads_resolved_refunded():
    member = MemberFactory()
    package = PackageFactory(owner=member.account, kind="co_anchoring")
    ticket = TicketFactory(member=member, package=package)

    services.ticket_refund_approve(ticket_id=ticket.pk, staff=ApproverFactory())

    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution) == (Status.RESOLVED, Resolution.REFUNDED)
    assert ticket.badge_label == "Resolved: refunded"


def test_reopening_clears_how_the_ticket_was_resolved(owner):
    ticket = rejected(TicketFactory(member=owner))

    services.ticket_reopen(ticket_id=ticket.pk, member=owner)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution) == (Status.PROCESSING, Resolution.NONE)


@pytest.mark.parametrize(
    ("status", "resolution", "label", "css"),
    [
        ("resolved", "rejected", "Rejected", "ticket-rejected"),
        ("resolved", "refunded", "Resolved: refunded", "ticket-resolved"),
        ("resolved", "", "Resolved", "ticket-resolved"),
        ("open", "", "Open", "ticket-open"),
        ("closed", "rejected", "Closed: rejected", "ticket-closed"),
    ],
)
def test_the_badge_says_how_the_ticket_ended(status, resolution, label, css):
    assert badge(status, resolution) == (label, css)


def test_a_reply_to_a_resolved_ticket_redraws_its_badge_and_drops_reopen(client, owner):
    ticket = rejected(TicketFactory(member=owner))
    assert ">Reopen<" in detail(client, ticket)

    html = client.post(
        reverse("tickets:reply", args=[ticket.pk]), {"body": "It was not used, please look again."},
        headers={"HX-Request": "true"},
    ).content.decode()

    assert html.lstrip().startswith('<div id="ticket"')
    assert 'data-testid="ticket-status">Processing<' in html
    assert ">Reopen<" not in html and "It was not used, please look again." in html


def test_after_the_reopen_window_the_reply_box_is_not_offered(client, owner, settings):
    ticket = rejected(TicketFactory(member=owner))
    Ticket.objects.filter(pk=ticket.pk).update(
        resolved_at=clock.now() - timedelta(days=settings.TICKET_REOPEN_DAYS, seconds=1)
    )

    html = detail(client, ticket)

    assert 'name="body"' not in html and ">Reopen<" not in html
    assert 'data-testid="reply-closed"' in html and "submit a new ticket" in html


def test_inside_the_reopen_window_the_reply_box_says_until_when(client, owner, settings):
    ticket = rejected(TicketFactory(member=owner))

    html = detail(client, ticket)

    until = zoned(ticket.resolved_at + timedelta(days=settings.TICKET_REOPEN_DAYS))
    assert 'name="body"' in html and f"Replying reopens the ticket (possible until {until})" in html


def test_ticket_times_show_their_zone(client, owner):
    ticket = TicketFactory(member=owner)

    assert f"{zoned(ticket.created_at)} by" in detail(client, ticket)
    assert zoned(ticket.updated_at) in client.get(reverse("tickets:mine")).content.decode()
    assert "(UTC+8)" in zoned(ticket.created_at)


def test_long_words_in_a_ticket_are_marked_to_wrap(client, owner):
    word = "x" * 300
    ticket = TicketFactory(member=owner, title=word[:120], description=word)

    html = detail(client, ticket)

    assert f'<h1 class="user-text">#{ticket.pk} {word[:120]}</h1>' in html
    assert f'<div class="turn-body user-text">{word}</div>' in html

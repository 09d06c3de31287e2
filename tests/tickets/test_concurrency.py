import uuid
from functools import partial

import pytest
from django.db import connection

from console.ledger.models import LedgerEntry, LedgerKind
from tests.factories import ApproverFactory, MemberFactory, PackageFactory, ReviewerFactory, TicketFactory
from tests.threads import run_together
from tickets.models import Ticket
from tickets.services import ticket_refund_approve, ticket_reject, ticket_submit

# Real commits: each thread runs on its own connection.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]



def test_two_staff_approving_the_same_ticket_at_once_refund_it_once():
    member = MemberFactory()
    package = PackageFactory(owner=member.account, kind="co_anchoring")
    ticket = TicketFactory(member=member, package=package)
    first, second = ApproverFactory(), ApproverFactory()

    outcomes = run_together(
        lambda: ticket_refund_approve(ticket_id=ticket.pk, staff=first),
        lambda: ticket_refund_approve(ticket_id=ticket.pk, staff=second),
    )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["RefundResult", "TicketActionRefused"]
    assert LedgerEntry.objects.filter(kind=LedgerKind.REFUND, package=package).count() == 1
    assert Ticket.objects.get().messages.count() == 1


def test_the_same_submission_sent_twice_at_once_opens_one_ticket():
    member = MemberFactory()
    key = uuid.uuid4()

    def submit():
        return ticket_submit(
            member=member, product="css", issue_type="other", title="Refund", description="Please.",
            package=None, contact_email="a@example.com", contact_phone="+86 13800000000",
            contact_time="anytime", attachments=[], submission_key=key,
        ).pk

    outcomes = run_together(submit, submit)

    assert outcomes[0] == outcomes[1]
    assert Ticket.objects.count() == 1



def test_two_staff_rejecting_the_same_ticket_at_once_leave_one_decision():
    first, second = ReviewerFactory(), ReviewerFactory()
    # Repeated because without the ticket lock the overlap is likely but not certain each time.
    for _ in range(10):
        ticket = TicketFactory()

        outcomes = run_together(
            partial(ticket_reject, ticket_id=ticket.pk, staff=first, reason="Not eligible."),
            partial(ticket_reject, ticket_id=ticket.pk, staff=second, reason="Outside the window."),
        )

        assert sum(isinstance(outcome, Ticket) for outcome in outcomes) == 1
        assert ticket.messages.count() == 1

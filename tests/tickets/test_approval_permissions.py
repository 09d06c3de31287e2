"""Who may get money back through a ticket, and who may approve it."""

import pytest
from django.db import transaction

from console.accounts.models import Member
from console.core.errors import PermissionRefused
from refunds.models import Refund
from tests.factories import ApproverFactory, MemberFactory, PackageFactory, TicketFactory
from tickets.services import ticket_refund_approve

pytestmark = pytest.mark.django_db


def refundable_ticket(*, raised_by: Member):
    package = PackageFactory(owner=raised_by.account, kind="co_anchoring")
    return TicketFactory(member=raised_by, package=package), package


def test_a_ticket_raised_by_a_sub_user_without_the_refund_permission_cannot_be_approved():
    viewer = MemberFactory(sub_user=True)
    ticket, package = refundable_ticket(raised_by=viewer)

    with pytest.raises(PermissionRefused) as refused:
        ticket_refund_approve(ticket_id=ticket.pk, staff=ApproverFactory())

    assert refused.value.code == "requester_no_permission"
    package.refresh_from_db()
    assert not package.is_refunded and not Refund.objects.exists()


def test_an_overrule_note_does_not_get_past_the_requesters_missing_permission():
    viewer = MemberFactory(sub_user=True)
    ticket, package = refundable_ticket(raised_by=viewer)

    with pytest.raises(PermissionRefused):
        ticket_refund_approve(ticket_id=ticket.pk, staff=ApproverFactory(), note="Known customer, approved by lead")

    assert not Refund.objects.exists()


def test_a_ticket_raised_by_a_sub_user_with_the_refund_permission_can_be_approved():
    member = MemberFactory(sub_user_with_refund=True)
    ticket, package = refundable_ticket(raised_by=member)

    result = ticket_refund_approve(ticket_id=ticket.pk, staff=ApproverFactory())

    assert result.refund.package == package


def test_an_approver_who_belongs_to_the_refunded_account_is_refused():
    owner = MemberFactory()
    ticket, package = refundable_ticket(raised_by=owner)
    approver = ApproverFactory()
    MemberFactory(user=approver, account=owner.account, sub_user=True)

    with pytest.raises(PermissionRefused) as refused:
        ticket_refund_approve(ticket_id=ticket.pk, staff=approver)

    assert refused.value.code == "own_account"
    assert not Refund.objects.exists()


def test_an_approver_cannot_approve_a_ticket_they_raised_themselves():
    approver = ApproverFactory()
    member = MemberFactory(user=approver)
    ticket, _ = refundable_ticket(raised_by=member)

    with pytest.raises(PermissionRefused) as refused:
        ticket_refund_approve(ticket_id=ticket.pk, staff=approver)

    assert refused.value.code == "own_ticket"


def test_an_approval_cannot_be_wrapped_in_a_callers_transaction():
    ticket, _ = refundable_ticket(raised_by=MemberFactory())

    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        ticket_refund_approve(ticket_id=ticket.pk, staff=ApproverFactory())

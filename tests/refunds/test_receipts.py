"""The refund receipt goes to the customer: the people the account's owner chose for receipts (the
owner by default), each in their own language, whoever asked for the refund; every refund and every
ticket outcome is also in their Message Center."""

import uuid
from datetime import UTC, datetime

import pytest

from console.accounts.preferences import user_language_set
from console.core import clock
from console.notifications import selectors as inbox
from console.notifications.models import Notification, OutboxMessage, ReminderKind, ReminderRecipient
from refunds.services import RefundRequest, package_refund
from tests.factories import ApproverFactory, MemberFactory, PackageFactory, ReviewerFactory, TicketFactory
from tickets.services import ticket_refund_approve, ticket_reject

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return MemberFactory()


@pytest.fixture
def sub_user(owner):
    return MemberFactory(account=owner.account, sub_user_with_refund=True)


def refund(member, package):
    return package_refund(RefundRequest(
        package_id=package.pk, owner=member.account, actor=member.user, idempotency_key=str(uuid.uuid4()), member=member,
    )).refund


def receipts() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(key__startswith="refund-receipt:").order_by("pk"))


def approved_on_a_ticket(owner, package):
    ticket = TicketFactory(member=owner, package=package)
    return ticket_refund_approve(ticket_id=ticket.pk, staff=ApproverFactory(email="css-support@example.com")).refund


def test_a_sub_users_refund_receipt_goes_to_the_account_owner(owner, sub_user):
    refund(sub_user, PackageFactory(owner=owner.account))

    assert [message.to for message in receipts()] == [owner.user.email]


def test_a_refund_approved_on_a_ticket_mails_its_receipt_to_the_owner_not_the_staff_member(owner):
    approved_on_a_ticket(owner, PackageFactory(owner=owner.account, kind="co_anchoring"))

    assert [message.to for message in receipts()] == [owner.user.email]


def test_the_receipt_is_written_in_the_owners_language_whoever_refunds(owner, sub_user):
    user_language_set(user=owner.user, language="zh-hans")
    package = PackageFactory(owner=owner.account)

    refund(sub_user, package)

    (receipt,) = receipts()
    assert receipt.subject == f"云直播资源包 {package.code} 退款"


def test_the_receipt_names_the_order_id_the_refund_time_with_its_zone_and_every_amounts_currency(owner, settings, monkeypatch):
    settings.BILLING_TIME_ZONE = "Asia/Shanghai"
    refunded_at = datetime(2026, 11, 26, 2, 30, tzinfo=UTC)
    package = PackageFactory(owner=owner.account, purchased_at=refunded_at.replace(hour=1))
    monkeypatch.setattr(clock, "now", lambda: refunded_at)

    made = refund(owner, package)

    body = receipts()[0].body
    assert f"Order ID: {made.order_id}" in body
    assert "Refunded at: 2026-11-26 10:30:00 (UTC+8)" in body
    assert "Cash: USD 3.88" in body
    assert "Commission credits: USD 0.00" in body
    assert "Free credits: USD 0.00" in body
    assert "Total: USD 3.88" in body


def test_receipts_go_to_whom_the_owner_chose_in_reminder_settings(owner, sub_user):
    ReminderRecipient.objects.create(member=owner, kind=ReminderKind.REFUND, in_console=True, by_email=False)
    ReminderRecipient.objects.create(member=sub_user, kind=ReminderKind.REFUND, in_console=True, by_email=True)

    refund(owner, PackageFactory(owner=owner.account))

    assert [message.to for message in receipts()] == [sub_user.user.email]


def test_a_refund_moves_the_owners_bell(owner, sub_user):
    refund(sub_user, PackageFactory(owner=owner.account))

    assert inbox.unread_count(user=owner.user, account_id=owner.account_id) == 1
    assert Notification.objects.get().kind == ReminderKind.REFUND


def test_the_message_center_shows_a_receipt_in_the_readers_language(client, owner):
    package = PackageFactory(owner=owner.account)
    refund(owner, package)
    user_language_set(user=owner.user, language="zh-hans")
    client.force_login(owner.user)

    response = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert f"云直播资源包 {package.code} 退款" in response.content.decode()


def test_two_refunds_on_one_day_are_two_messages(owner):
    refund(owner, PackageFactory(owner=owner.account))
    refund(owner, PackageFactory(owner=owner.account))

    assert inbox.unread_count(user=owner.user, account_id=owner.account_id) == 2


def test_an_approved_ticket_is_in_the_owners_message_center(owner):
    approved_on_a_ticket(owner, PackageFactory(owner=owner.account, kind="co_anchoring"))

    kinds = sorted(Notification.objects.values_list("kind", flat=True))
    assert kinds == [ReminderKind.REFUND, ReminderKind.TICKET]
    assert inbox.unread_count(user=owner.user, account_id=owner.account_id) == 2


def test_a_rejected_ticket_is_in_the_owners_message_center(owner):
    ticket = TicketFactory(member=owner)

    ticket_reject(ticket_id=ticket.pk, staff=ReviewerFactory(), reason="Used already.")

    notification = Notification.objects.get()
    assert (notification.kind, notification.subject) == (ReminderKind.TICKET, f"Ticket #{ticket.pk} resolved")
    assert inbox.unread_count(user=owner.user, account_id=owner.account_id) == 1


def test_a_ticket_outcome_is_not_mailed_twice_to_the_tickets_contact(owner):
    ticket = TicketFactory(member=owner)

    ticket_reject(ticket_id=ticket.pk, staff=ReviewerFactory(), reason="Used already.")

    assert list(OutboxMessage.objects.values_list("to", flat=True)) == [owner.user.email]

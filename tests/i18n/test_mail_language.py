"""E-mails go out in their recipient's language: the one they chose in the console, else English,
whoever caused the mail and whatever language that person's page was in."""

import uuid

import pytest
from django.utils import translation

from console.accounts.preferences import user_language_set
from console.core import clock
from console.notifications.models import OutboxMessage, ReminderKind
from console.notifications.services import reminders_create
from refunds.services import RefundRequest, package_refund
from tests.factories import ApproverFactory, MemberFactory, PackageFactory, ReviewerFactory
from tests.i18n.textnodes import english_words
from tickets import services as tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    """An account owner who chose Simplified Chinese."""
    member = MemberFactory(user__email="lin@example.com")
    user_language_set(user=member.user, language="zh-hans")
    return member


@pytest.fixture
def english_customer():
    return MemberFactory(user__email="sam@example.com")


def mail(prefix: str) -> OutboxMessage:
    (message,) = OutboxMessage.objects.filter(key__startswith=prefix)
    return message


def english_left(message: OutboxMessage, *names: str) -> list[str]:
    return [
        line for line in [message.subject, *message.body.splitlines()] if english_words(line, names=names)
    ]


def submitted(member, package=None, *, title="连麦包退款申请"):
    return tickets.ticket_submit(
        member=member, product="css", issue_type="other", title=title, description="请退款。", package=package,
        contact_email=member.user.email, contact_phone="+86 13800000000", contact_time="anytime",
        attachments=[], submission_key=uuid.uuid4(),
    )


def test_a_refund_receipt_is_written_in_the_language_the_customer_chose(customer):
    package = PackageFactory(owner=customer.account)

    # The refund is asked for from an English page: the receipt still follows the recipient.
    with translation.override("en"):
        package_refund(RefundRequest(
            package_id=package.pk, owner=customer.account, actor=customer.user,
            idempotency_key=str(uuid.uuid4()), member=customer,
        ))

    receipt = mail("refund-receipt:")
    assert receipt.subject == f"云直播资源包 {package.code} 退款"
    assert "现金账户" in receipt.body and "赠送账户" in receipt.body
    assert english_left(receipt, customer.account.name) == []


def test_a_refund_receipt_is_english_for_someone_who_never_chose(english_customer):
    package = PackageFactory(owner=english_customer.account)

    with translation.override("zh-hans"):
        package_refund(RefundRequest(
            package_id=package.pk, owner=english_customer.account, actor=english_customer.user,
            idempotency_key=str(uuid.uuid4()), member=english_customer,
        ))

    assert mail("refund-receipt:").subject == f"Refund of CSS package {package.code}"


def test_the_ticket_received_mail_is_in_the_customers_language(customer):
    ticket = submitted(customer)

    received = mail(f"ticket:{ticket.pk}:")
    assert received.subject == f"已收到工单 #{ticket.pk}：连麦包退款申请"
    assert english_left(received) == []


def test_a_staff_reply_mails_the_customer_in_their_language_whatever_the_staffs(customer):
    ticket = submitted(customer)
    OutboxMessage.objects.all().delete()

    with translation.override("en"):  # the reviewer's admin is in English
        tickets.ticket_staff_reply(ticket_id=ticket.pk, staff=ReviewerFactory(), body="我们正在处理您的申请。")

    reply = mail(f"ticket:{ticket.pk}:")
    assert reply.subject == f"工单 #{ticket.pk} 有新回复"
    assert english_left(reply) == []


def test_a_rejection_reads_in_the_customers_language_in_the_mail_and_the_conversation(customer):
    ticket = submitted(customer)
    OutboxMessage.objects.all().delete()

    with translation.override("en"):
        tickets.ticket_reject(ticket_id=ticket.pk, staff=ReviewerFactory(), reason="该资源包不符合退款条件。")

    rejection = mail(f"ticket:{ticket.pk}:")
    assert rejection.subject == f"工单 #{ticket.pk} 已解决"
    assert english_left(rejection) == []
    assert ticket.messages.filter(from_staff=True).last().body.startswith("很抱歉，我们无法批准此申请。")


def test_an_approved_refund_reads_in_the_customers_language(customer):
    package = PackageFactory(owner=customer.account, kind="co_anchoring")
    ticket = submitted(customer, package)
    OutboxMessage.objects.all().delete()

    with translation.override("en"):
        tickets.ticket_refund_approve(ticket_id=ticket.pk, staff=ApproverFactory())

    approval = mail(f"ticket:{ticket.pk}:")
    assert approval.subject == f"工单 #{ticket.pk}：退款已批准"
    assert english_left(approval, customer.account.name) == []


def test_a_reminder_mail_is_in_each_recipients_language(customer):
    package = PackageFactory(owner=customer.account)

    reminders_create(kind=ReminderKind.EXPIRY, day=clock.today(), triggers={customer.account_id: [{
        "code": package.code, "name": package.spec.name, "kind": package.kind, "unit": "GB",
        "total": str(package.total), "remaining": str(package.remaining),
        "expires_at": "2027-01-01 10:00:00", "days_left": 7,
    }]})

    reminder = mail("reminder:")
    assert reminder.subject == "您的云直播资源包即将到期"
    assert "7 天后" in reminder.body
    assert english_left(reminder, customer.account.name) == []

"""Mail goes through the outbox and a task after commit: a failure never reaches the person who clicked."""

import logging
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from console.notifications import services
from console.notifications.models import OutboxMessage
from console.notifications.services import MailNotSent
from console.notifications.tasks import mail_deliver
from refunds.models import Refund
from tests.factories import MemberFactory, PackageFactory

HTMX = {"HX-Request": "true"}
SERVER_DOWN = "tests.console.notifications.mail_backends.ServerDownBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def owner(client):
    member = MemberFactory(account__name="Aurora Live", account__uin=100000000042)
    client.force_login(member.user)
    return member


def refund_post(client, package):
    return client.post(
        reverse("refund_confirm", args=[package.pk]),
        {"confirm": "on", "reason": "", "idempotency_key": str(uuid.uuid4())},
        headers=HTMX,
    )


# --- a committed refund is never turned into an error by its receipt ------------


@pytest.mark.django_db(transaction=True)
def test_a_refund_answers_204_and_is_written_although_the_mail_server_is_down(client, owner, settings):
    settings.EMAIL_BACKEND = SERVER_DOWN
    package = PackageFactory(owner=owner.account)

    # Transactional, so the refund really commits and the after-commit work runs inside the request.
    response = refund_post(client, package)

    assert response.status_code == 204
    assert Refund.objects.filter(package=package).exists()


@pytest.mark.django_db(transaction=True)
def test_an_undelivered_receipt_is_logged_and_kept_unsent_with_its_attempt(client, owner, settings, caplog):
    settings.EMAIL_BACKEND = SERVER_DOWN
    package = PackageFactory(owner=owner.account)

    with caplog.at_level(logging.WARNING, logger="console.notifications.services"):
        refund_post(client, package)

    receipt = OutboxMessage.objects.get(key=f"refund-receipt:{Refund.objects.get(package=package).pk}:{owner.user_id}")
    assert (receipt.sent_at, receipt.attempts) == (None, 1)
    assert "ConnectionRefusedError" in receipt.last_error
    assert any(receipt.key in record.getMessage() and "not sent" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db(transaction=True)
def test_send_pending_mail_sends_an_undelivered_receipt_once_the_server_is_back(client, owner, settings):
    settings.EMAIL_BACKEND = SERVER_DOWN
    package = PackageFactory(owner=owner.account)
    refund_post(client, package)
    settings.EMAIL_BACKEND = LOCMEM
    mail.outbox = []

    call_command("send_pending_mail")
    call_command("send_pending_mail")

    assert [message.to for message in mail.outbox] == [[owner.user.email]]
    assert "Total: USD 3.88" in mail.outbox[0].body
    receipt = OutboxMessage.objects.get()
    assert receipt.sent_at is not None and receipt.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_receipt_is_mailed_once_when_the_server_is_up(client, owner, mailoutbox):
    package = PackageFactory(owner=owner.account)

    refund_post(client, package)
    call_command("send_pending_mail")

    assert len(mailoutbox) == 1
    assert OutboxMessage.objects.get().sent_at is not None


# --- the outbox ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_receipt_is_queued_in_the_refund_transaction_and_sent_only_after_commit(
    owner, django_capture_on_commit_callbacks, mailoutbox
):
    from refunds.services import RefundRequest, package_refund

    package = PackageFactory(owner=owner.account)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        refund = package_refund(RefundRequest(
            package_id=package.pk, owner=owner.account, actor=owner.user, idempotency_key="k-1"
        )).refund

    assert OutboxMessage.objects.filter(key=f"refund-receipt:{refund.pk}:{owner.user_id}", sent_at=None).exists()
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1


def queued(key="test:1", to="someone@example.com") -> OutboxMessage:
    return OutboxMessage.objects.create(key=key, to=to, subject="Hello", body="Body", created_at=timezone.now())


@pytest.mark.django_db
def test_queueing_the_same_key_twice_keeps_one_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.mail_queue(key="refund-receipt:7", to="a@example.com", subject="s", body="b")
        services.mail_queue(key="refund-receipt:7", to="a@example.com", subject="s", body="b")

    assert OutboxMessage.objects.filter(key="refund-receipt:7").count() == 1


@pytest.mark.django_db
def test_a_message_whose_key_is_new_is_queued_in_one_insert(django_assert_num_queries):
    with django_assert_num_queries(1):
        services.mail_queue(key="refund-receipt:8", to="a@example.com", subject="s", body="b", new_key=True)

    assert OutboxMessage.objects.get().key == "refund-receipt:8"


@pytest.mark.django_db
def test_a_message_whose_key_is_new_is_sent_after_commit_like_any(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.mail_queue(key="refund-receipt:8", to="a@example.com", subject="s", body="b", new_key=True)
    assert mailoutbox == []

    for callback in callbacks:
        callback()

    assert [message.subject for message in mailoutbox] == ["s"]


@pytest.mark.django_db
def test_a_message_without_an_address_is_not_queued():
    assert services.mail_queue(key="k", to="", subject="s", body="b") is None
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_sent_message_is_not_sent_again_by_a_retry(mailoutbox):
    message = queued()

    assert services.mail_send(outbox_id=message.pk) is True
    assert services.mail_send(outbox_id=message.pk) is False
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_message_another_sender_holds_is_left_to_it(mailoutbox):
    message = queued()
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_until=timezone.now() + timedelta(minutes=1))

    assert services.mail_send(outbox_id=message.pk) is False
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_message_whose_sender_died_is_sent_once_its_hold_expires(mailoutbox):
    message = queued()
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))

    assert services.mail_send(outbox_id=message.pk) is True
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_every_attempt_sends_the_same_message_id(settings, mailoutbox):
    message = queued()
    settings.EMAIL_BACKEND = SERVER_DOWN
    with pytest.raises(MailNotSent):
        services.mail_send(outbox_id=message.pk)
    settings.EMAIL_BACKEND = LOCMEM
    services.mail_send(outbox_id=message.pk)
    other = queued(key="test:2")
    services.mail_send(outbox_id=other.pk)

    first, second = (m.extra_headers["Message-ID"] for m in mailoutbox)
    assert first != second and first.endswith("@css-console.mail>")


@pytest.mark.django_db
def test_in_a_worker_a_failed_send_raises_so_the_task_is_retried_with_backoff(settings):
    message = queued()
    settings.EMAIL_BACKEND = SERVER_DOWN

    # Called directly (as a worker runs it) the task re-raises; autoretry_for turns that into a retry.
    with pytest.raises(MailNotSent):
        mail_deliver(message.pk)
    assert mail_deliver.autoretry_for == (MailNotSent,)
    assert (mail_deliver.retry_backoff, mail_deliver.retry_backoff_max, mail_deliver.max_retries) == (30, 300, 5)
    assert mail_deliver.acks_late


@pytest.mark.django_db
def test_in_process_a_failed_send_leaves_the_message_for_send_pending_mail(settings):
    message = queued()
    settings.EMAIL_BACKEND = SERVER_DOWN

    result = mail_deliver.delay(message.pk)

    assert result.successful() and result.result is False
    assert OutboxMessage.objects.get(pk=message.pk).attempts == 1


@pytest.mark.django_db
def test_send_pending_mail_gives_up_after_the_maximum_attempts(settings, mailoutbox):
    message = queued()
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=settings.MAIL_MAX_ATTEMPTS)

    call_command("send_pending_mail")

    assert mailoutbox == []


@pytest.mark.django_db
def test_send_pending_mail_leaves_mail_older_than_three_days(mailoutbox):
    message = queued()
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(days=4))

    call_command("send_pending_mail")

    assert mailoutbox == []


# --- ticket notifications go the same way -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_ticket_is_submitted_although_the_mail_server_is_down(client, owner, settings, tmp_path):
    from tickets.models import Ticket

    settings.EMAIL_BACKEND = SERVER_DOWN
    settings.MEDIA_ROOT = tmp_path

    response = client.post(reverse("tickets:submit"), {
        "product": "css", "issue_type": "other", "submission_key": str(uuid.uuid4()),
        "title": "Refund my co-anchoring package", "description": "Bought by mistake.", "package": "",
        "contact_email": "ops@example.com", "phone_country": "+86", "phone": "13800000000", "contact_time": "anytime",
    })

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    notice = OutboxMessage.objects.get(key__startswith=f"ticket:{ticket.pk}:")
    assert (notice.to, notice.sent_at, notice.attempts) == ("ops@example.com", None, 1)

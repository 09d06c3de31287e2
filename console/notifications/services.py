"""Writes: the mail outbox, reminders, what a person has read, who receives which reminder.

Mail is never sent inside the transaction that causes it, nor by the request that caused it:
`mail_queue` writes an outbox row in the caller's transaction (so a message exists exactly when
the change it reports does) and a task sends it after commit. A failed send is logged, left in
the outbox and retried (by the task with backoff, then by `send_pending_mail`); the person who
clicked gets the answer of the change itself, whatever the mail server does.

The outbox's bookkeeping (claims, attempts, sent_at) runs on real time, not on the presenter's
demo clock: a demo jump of a day must not make a sender's claim expire.
"""

import hashlib
import logging
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, ngettext

from console.accounts.models import Account, Member
from console.accounts.permissions import member_may_manage_access
from console.accounts.preferences import users_languages
from console.core import clock
from console.core.audit import AuditAction, audit_record
from console.core.errors import InvalidRequest, NotFound, PermissionRefused
from console.notifications import selectors
from console.notifications.models import (
    Notification,
    NotificationDelivery,
    OutboxMessage,
    ReminderKind,
    ReminderRecipient,
)

logger = logging.getLogger(__name__)

# A sender holds a message this long; after that another may try it (the sender died).
MAIL_CLAIM = timedelta(minutes=5)
# Accounts per transaction when reminders are created.
REMINDER_BATCH = 500


# --- the mail outbox ----------------------------------------------------------------------------


class MailNotSent(Exception):
    """The mail backend failed; the message stays in the outbox for another attempt."""


def mail_queue(*, key: str, to: str, subject: str, body: str, new_key: bool = False) -> OutboxMessage | None:
    """Queue one e-mail in the caller's transaction; a task sends it once that commits.

    `key` names the message (`refund-receipt:42`): queueing the same key again changes nothing
    and sends nothing. A caller whose key cannot have been queued yet (it names a row its own
    transaction created) says `new_key=True`: one INSERT, without the look-up and the savepoint
    that make a second queueing harmless. No address, no message.
    """
    if not to:
        return None
    fields = {"to": to, "subject": subject, "body": body, "created_at": timezone.now()}
    if new_key:
        message, created = OutboxMessage.objects.create(key=key, **fields), True
    else:
        message, created = OutboxMessage.objects.get_or_create(key=key, defaults=fields)
    if created:
        mail_deliver_on_commit([message.pk])
    return message


def mail_deliver_on_commit(outbox_ids: list[int]) -> None:
    """Hand the messages to the mail task once the current transaction commits (at once outside one)."""
    if outbox_ids:
        transaction.on_commit(lambda: _enqueue(list(outbox_ids)), robust=True)


def _enqueue(outbox_ids: list[int]) -> None:
    from console.notifications.tasks import mail_deliver

    for outbox_id in outbox_ids:
        try:
            mail_deliver.delay(outbox_id)
        except Exception:
            # The broker is unreachable: the row waits in the outbox for send_pending_mail.
            logger.exception("Could not enqueue outbox message %s; send_pending_mail will send it", outbox_id)


def mail_send(*, outbox_id: int) -> bool:
    """Send one outbox message unless it was sent or another sender holds it.

    Returns True when this call sent it. Raises MailNotSent, with the message left unsent and
    the attempt and error recorded, when the backend fails.
    """
    now = timezone.now()
    claimed = (
        OutboxMessage.objects.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), pk=outbox_id, sent_at__isnull=True)
        .update(claimed_until=now + MAIL_CLAIM, attempts=F("attempts") + 1, last_attempt_at=now)
    )
    if not claimed:
        return False
    message = OutboxMessage.objects.get(pk=outbox_id)
    email = EmailMessage(
        subject=message.subject, body=message.body, to=[message.to],
        # The same Message-ID on every attempt, so a receiving server can drop a duplicate should
        # a send succeed and the process die before recording it.
        headers={"Message-ID": f"<{hashlib.sha256(message.key.encode()).hexdigest()[:32]}@css-console.mail>"},
    )
    try:
        email.send()
    except Exception as error:
        OutboxMessage.objects.filter(pk=outbox_id).update(
            claimed_until=None, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        logger.warning(
            "Mail %s to %s not sent (attempt %s): %s: %s",
            message.key, message.to, message.attempts, type(error).__name__, error,
        )
        raise MailNotSent(str(error)) from error
    OutboxMessage.objects.filter(pk=outbox_id).update(sent_at=timezone.now(), claimed_until=None, last_error="")
    return True


def pending_mail_enqueue() -> int:
    """Hand every outbox message that is due another attempt to the mail task."""
    ids = selectors.pending_mail()
    _enqueue(ids)
    return len(ids)


# --- reminders ----------------------------------------------------------------------------------

SUBJECTS = {
    ReminderKind.EXPIRY: gettext_lazy("Your Cloud Streaming Services packages expire soon"),
    ReminderKind.LOW_REMAINING: gettext_lazy("Less than %(percent)s%% left of your Cloud Streaming Services packages"),
}
# The packages' units as a reminder writes them ("300 of 500 minutes left").
UNIT_WORDS = {"GB": "GB", "minute": gettext_lazy("minutes"), "licence-year": gettext_lazy("licence-years")}


def reminder_text(*, kind: str, day: date, account: Account, packages: list[dict]) -> tuple[str, str]:
    """A reminder's subject and body in the active language: the e-mail is written in its
    recipient's, the message center shows it in the reader's (`translation.override` around it)."""
    percent = settings.REMINDER_LOW_REMAINING_PERCENT
    subject = str(SUBJECTS[kind]) % {"percent": percent}
    if kind == ReminderKind.EXPIRY:
        intro = gettext(
            "These Cloud Streaming Services packages of %(account)s (UIN %(uin)s) expire soon. "
            "What is left of a package cannot be used after it expires; usage is then billed "
            "pay-as-you-go. Buy a package or turn on auto-renewal on Package/Plugin Management."
        ) % {"account": account.name, "uin": account.uin}
    else:
        intro = gettext(
            "After the settlement of the usage of %(day)s, less than %(percent)s%% is left of these "
            "Cloud Streaming Services packages of %(account)s (UIN %(uin)s). Once they are used "
            "up, usage is billed pay-as-you-go. Buy a package or turn on auto-renewal on "
            "Package/Plugin Management."
        ) % {"day": f"{day:%Y-%m-%d}", "percent": percent, "account": account.name, "uin": account.uin}
    lines = []
    for package in packages:
        days = package["days_left"]
        left = ngettext("%(days)s day", "%(days)s days", days) % {"days": days}
        lines.append(
            "- "
            + gettext("%(code)s (%(name)s): %(remaining)s of %(total)s %(unit)s left, expires %(expires)s (in %(left)s)")
            % {
                "code": package["code"], "name": gettext(package["name"]), "remaining": package["remaining"],
                "total": package["total"], "unit": UNIT_WORDS.get(package["unit"], package["unit"]),
                "expires": package["expires_at"], "left": left,
            }
        )
    return subject, "\n\n".join([intro, "\n".join(lines)])


def reminders_create(*, kind: ReminderKind, day: date, triggers: dict[int, list[dict]]) -> int:
    """One notification of `kind` for `day` per account in `triggers` (account id -> the packages
    that triggered it), delivered to the account's chosen recipients in the message center and
    by e-mail. An account that already has one for that type and day gets nothing more, so a
    rerun, or a second trigger on the same day, sends nothing twice (the unique constraints on
    notification, delivery and outbox key hold it even against a concurrent run).
    Returns how many notifications were created.
    """
    created = 0
    ids = sorted(triggers)
    for start in range(0, len(ids), REMINDER_BATCH):
        batch = {account_id: triggers[account_id] for account_id in ids[start:start + REMINDER_BATCH]}
        created += _reminders_create_batch(kind=kind, day=day, triggers=batch)
    return created


def _reminders_create_batch(*, kind: str, day: date, triggers: dict[int, list[dict]]) -> int:
    now = clock.now()
    with transaction.atomic():
        existing = set(
            Notification.objects.filter(kind=kind, day=day, account_id__in=list(triggers)).values_list("account_id", flat=True)
        )
        accounts = Account.objects.filter(pk__in=[pk for pk in triggers if pk not in existing]).only("pk", "name", "uin")
        new = []
        for account in accounts:
            # The notification's own copy is in the console's default language; each reader and each
            # e-mail recipient gets it in their own (reminder_text under translation.override).
            with translation.override(settings.LANGUAGE_CODE):
                subject, body = reminder_text(kind=kind, day=day, account=account, packages=triggers[account.pk])
            new.append(Notification(
                account=account, kind=kind, day=day, created_at=now, subject=subject, body=body,
                packages=triggers[account.pk],
            ))
        if not new:
            return 0
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        # Read back (bulk_create with ignore_conflicts gives no primary keys); one a concurrent run
        # already delivered is left to it.
        fresh = list(
            Notification.objects.filter(kind=kind, day=day, account_id__in=[n.account_id for n in new])
            .filter(~Exists(NotificationDelivery.objects.filter(notification=OuterRef("pk"))))
            .values_list("pk", "account_id", "subject", "body")
        )
        recipients = selectors.reminder_recipients(kind=kind, account_ids={account_id for _, account_id, _, _ in fresh})
        languages = users_languages({r.user_id for found in recipients.values() for r in found if r.by_email})
        by_account = {account.pk: account for account in accounts}
        deliveries, mails = [], []
        for pk, account_id, subject, body in fresh:
            for recipient in recipients.get(account_id, []):
                if recipient.in_console:
                    deliveries.append(NotificationDelivery(notification_id=pk, user_id=recipient.user_id))
                if recipient.by_email:
                    # In the recipient's language (their choice in the console, else English).
                    with translation.override(languages.get(recipient.user_id, settings.LANGUAGE_CODE)):
                        mail_subject, mail_body = reminder_text(
                            kind=kind, day=day, account=by_account[account_id], packages=triggers[account_id]
                        )
                        footer = gettext("This reminder is also in the Message Center of the CSS console.")
                    mails.append(OutboxMessage(
                        key=f"reminder:{pk}:{recipient.user_id}", to=recipient.email, subject=mail_subject,
                        body=f"{mail_body}\n\n{footer}",
                        created_at=timezone.now(),
                    ))
        NotificationDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        OutboxMessage.objects.bulk_create(mails, ignore_conflicts=True)
        mail_deliver_on_commit(list(
            OutboxMessage.objects.filter(key__in=[m.key for m in mails], attempts=0, sent_at__isnull=True)
            .values_list("pk", flat=True)
        ))
    return len(fresh)


def expiry_reminders_create(*, day: date) -> int:
    """Remind every account with a package 30, 15, 7 or 1 day(s) from expiry on `day`."""
    return reminders_create(kind=ReminderKind.EXPIRY, day=day, triggers=selectors.expiring_packages(day=day))


def low_remaining_reminders_create(
    *, day: date, account_ids: list[int] | None = None, package_ids: list[int] | None = None
) -> int:
    """Remind every account whose settlement of `day` took a package below 15% remaining: of
    `package_ids` when a billing shard found them, else read from the day's deductions (of
    `account_ids`, or of every account)."""
    if package_ids is not None:
        triggers = selectors.packages_by_account(day=day, package_ids=package_ids)
    else:
        triggers = selectors.low_remaining_packages(day=day, account_ids=account_ids)
    return reminders_create(kind=ReminderKind.LOW_REMAINING, day=day, triggers=triggers)


# --- receipts and outcomes: one event, one message ------------------------------------------------


def account_notify(
    *,
    account_id: int,
    kind: ReminderKind,
    key: str,
    write: Callable[[], tuple[str, str]],
    mail_skip: Iterable[str] = (),
) -> Notification:
    """Tell an account that something happened (a refund, a ticket's outcome): one message to the
    people the owner chose for `kind` (`selectors.reminder_recipients`, as reminders; the owner by
    default), in their Message Center and by e-mail, each in their own language.

    `write()` returns (subject, body) in the active language; it is called for every console
    language, so the Message Center shows the reader's. `key` names the event (`refund:42`): each
    recipient's e-mail is `<key>:<user id>`. Runs in the caller's transaction; the mail is sent
    after it commits. `mail_skip` are addresses already written to about this event.
    """
    now = clock.now()
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts[language] = list(write())
    subject, body = texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()))
    notification = Notification.objects.create(
        account_id=account_id, kind=kind, day=now.astimezone(clock.billing_zone()).date(), created_at=now,
        subject=subject, body=body, texts=texts,
    )
    recipients = selectors.reminder_recipients(kind=kind, account_ids=[account_id]).get(account_id, [])
    NotificationDelivery.objects.bulk_create(
        [NotificationDelivery(notification=notification, user_id=r.user_id) for r in recipients if r.in_console]
    )
    skip = {address.lower() for address in mail_skip}
    mailed = [r for r in recipients if r.by_email and r.email.lower() not in skip]
    languages = users_languages({r.user_id for r in mailed})
    for recipient in mailed:
        mail_subject, mail_body = texts.get(languages.get(recipient.user_id, settings.LANGUAGE_CODE), (subject, body))
        # The key names an event this transaction created: it cannot be queued yet.
        mail_queue(key=f"{key}:{recipient.user_id}", to=recipient.email, subject=mail_subject, body=mail_body, new_key=True)
    return notification


# --- the message center -------------------------------------------------------------------------


def notification_mark_read(*, user: AbstractBaseUser, account_id: int, delivery_id: int) -> NotificationDelivery:
    """Mark one of `user`'s notifications read (again: no change)."""
    try:
        delivery = NotificationDelivery.objects.select_related("notification").get(
            pk=delivery_id, user=user, notification__account_id=account_id
        )
    except NotificationDelivery.DoesNotExist:
        raise NotFound(gettext("No such message in your message center.")) from None
    if delivery.read_at is None:
        delivery.read_at = clock.now()
        NotificationDelivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(read_at=delivery.read_at)
    return delivery


def notifications_mark_all_read(*, user: AbstractBaseUser, account_id: int) -> int:
    return NotificationDelivery.objects.filter(
        user=user, notification__account_id=account_id, read_at__isnull=True
    ).update(read_at=clock.now())


# --- who receives which reminder ----------------------------------------------------------------


def reminder_recipients_set(
    *, member: Member, choices: dict[tuple[int, str], tuple[bool, bool]]
) -> None:
    """The owner's choice of who receives each reminder type: (member id, kind) -> (in the message
    center, by e-mail), for every member of the account and every type. Only the owner chooses."""
    if not member_may_manage_access(member):
        raise PermissionRefused(gettext("Only the account owner chooses who receives reminders."))
    members = set(Member.objects.filter(account_id=member.account_id).values_list("pk", flat=True))
    if any(member_id not in members or kind not in ReminderKind.values for member_id, kind in choices):
        raise InvalidRequest(gettext("Choose among this account's users and the reminder types listed."))
    with transaction.atomic():
        before = {
            f"{row.member_id}:{row.kind}": [row.in_console, row.by_email]
            for row in ReminderRecipient.objects.filter(member__account_id=member.account_id)
        }
        for (member_id, kind), (in_console, by_email) in sorted(choices.items()):
            ReminderRecipient.objects.update_or_create(
                member_id=member_id, kind=kind, defaults={"in_console": in_console, "by_email": by_email}
            )
        audit_record(
            actor=member.user, action=AuditAction.NOTIFICATION_RECIPIENTS_SET, obj=member.account,
            account=member.account, before=before,
            after={f"{member_id}:{kind}": list(value) for (member_id, kind), value in sorted(choices.items())},
        )

"""The mail outbox, reminders in the message center, and who receives which reminder."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One e-mail to one address. Written in the transaction of the change it reports, sent by
    a task after commit; `key` makes the same message impossible to queue twice, `sent_at` makes
    it impossible to send twice (a retry of a sent message does nothing)."""

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # A sender holds the message until then; another sender leaves it alone meanwhile.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_unsent"),
        ]

    def __str__(self):
        return f"{self.key} to {self.to}"


class ReminderKind(models.TextChoices):
    """What the Message Center carries (Message Center > Message Subscription): the reminders the
    CSS console sends, refund receipts and ticket outcomes. The owner chooses who receives each."""

    EXPIRY = "expiry", _("Package expiry reminder")
    LOW_REMAINING = "low_remaining", _("Low package balance reminder")
    REFUND = "refund", _("Refund receipt")
    TICKET = "ticket", _("Ticket outcome")
    OVERDUE = "overdue", _("Overdue payment notice")
    BALANCE_ALERT = "balance_alert", _("Balance alert")


# When each reminder is sent: the settings page says it under each type's title.
REMINDER_WHEN = {
    ReminderKind.EXPIRY: _("Sent when a package is 30, 15, 7 or 1 day from expiry."),
    ReminderKind.LOW_REMAINING: _("Sent when the day's settlement leaves a package with less than 15% remaining."),
    ReminderKind.REFUND: _("Sent for every refund: in the console, through the API or approved on a ticket."),
    ReminderKind.TICKET: _("Sent when staff approve or reject a refund asked for on a ticket."),
    ReminderKind.OVERDUE: _(
        "Sent at each step of an unpaid bill: arrears, suspension for overdue payment, the warnings before "
        "repossession and repossession."
    ),
    ReminderKind.BALANCE_ALERT: _("Sent when the available balance falls below the alert threshold you set."),
}


# At most one reminder of these per type, account and day; receipts and ticket outcomes are one
# per event.
DAILY_KINDS = (ReminderKind.EXPIRY, ReminderKind.LOW_REMAINING)


class Notification(models.Model):
    """A message to an account: a reminder (at most one per type, account and day, whatever
    triggered it), a refund receipt or a ticket's outcome."""

    account = models.ForeignKey("console.Account", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=ReminderKind)
    # The billing-zone day it is about: today for expiry, the settled usage day for low remaining.
    day = models.DateField()
    created_at = models.DateTimeField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    # The packages that triggered it: code, name, remaining, total, unit, expires_at, days_left.
    packages = models.JSONField(default=list)
    # Receipts and ticket outcomes, written in every console language when they happen:
    # {language code: [subject, body]}. Reminders are written again from `packages` instead.
    texts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind", "day"], condition=Q(kind__in=DAILY_KINDS),
                name="notification_once_per_type_account_day",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.account_id} {self.day}"


class NotificationDelivery(models.Model):
    """A notification in one person's message center, with whether they have read it."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-notification__created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "user"], name="delivery_once_per_person"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="delivery_user_read")]


class ReminderRecipient(models.Model):
    """The account owner's choice of who receives a reminder type, in the console and by e-mail.

    No row for a member and type means the default: the owner receives both, sub-users neither.
    """

    member = models.ForeignKey("console.Member", on_delete=models.CASCADE, related_name="reminder_choices")
    kind = models.CharField(max_length=32, choices=ReminderKind)
    in_console = models.BooleanField(default=True)
    by_email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "kind"], name="reminder_choice_once_per_type")]

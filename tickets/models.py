import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from console.accounts.models import Account
from console.core.models import AppendOnlyModel
from console.templatetags.console_format import zoned
from console.packages.models import Package
from tickets.catalogue import ISSUE_TYPE_CHOICES, PRODUCT_BY_CODE, PRODUCT_CHOICES
from tickets.transitions import Resolution, Status, badge


class ContactTime(models.TextChoices):
    ANYTIME = "anytime", _("Any time")
    OFFICE_HOURS = "office_hours", _("Working hours (09:00-18:00 UTC+8)")
    EVENING = "evening", _("Evenings (18:00-22:00 UTC+8)")


class Ticket(models.Model):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("account"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tickets_raised", verbose_name=_("raised by")
    )
    # A double-clicked Submit sends the same key twice; the second finds the first ticket.
    submission_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, verbose_name=_("submission key"))
    product = models.CharField(_("product"), max_length=20, choices=PRODUCT_CHOICES)
    issue_type = models.CharField(_("issue type"), max_length=30, choices=ISSUE_TYPE_CHOICES)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    package = models.ForeignKey(
        Package, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets", verbose_name=_("package")
    )
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(
        _("contact phone"), max_length=24, help_text=_("With country code, e.g. +86 13800000000.")
    )
    contact_time = models.CharField(_("contact time"), max_length=20, choices=ContactTime, default=ContactTime.ANYTIME)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.OPEN)
    # How it was resolved (refund approved, rejected); written with the status, by tickets.services.
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=Resolution, default=Resolution.NONE, blank=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets_assigned",
        verbose_name=_("assignee"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["account", "-updated_at"], name="ticket_account_updated"),
            models.Index(fields=["status", "created_at"], name="ticket_queue"),
            # The review queue's default order (oldest first): a LIMIT 50 reads the index, no sort.
            models.Index(fields=["created_at", "id"], name="ticket_oldest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=Status.RESOLVED) | Q(resolved_at__isnull=False),
                name="ticket_resolved_has_time",
            ),
        ]
        permissions = [
            ("review_ticket", "Can review tickets: reply, assign and reject"),
            ("approve_refund", "Can approve a package refund from a ticket"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def badge_label(self) -> str:
        return badge(self.status, self.resolution)[0]

    @property
    def badge_class(self) -> str:
        return badge(self.status, self.resolution)[1]

    @property
    def product_name(self) -> str:
        return str(PRODUCT_BY_CODE[self.product].name)

    @property
    def issue_type_label(self) -> str:
        return str(PRODUCT_BY_CODE[self.product].issue_type(self.issue_type).label)


class TicketMessage(AppendOnlyModel):
    """One turn of the conversation. Written once, never edited."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    from_staff = models.BooleanField(_("from staff"), default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        # The one way the console writes a time: in the billing zone, with the zone.
        # In the reader's language: the review desk shows it above each message of the conversation.
        if self.from_staff:
            return gettext("Staff on #%(id)s at %(at)s") % {"id": self.ticket_id, "at": zoned(self.created_at)}
        return gettext("Customer on #%(id)s at %(at)s") % {"id": self.ticket_id, "at": zoned(self.created_at)}


EXTENSION_BY_TYPE = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp", "application/pdf": ".pdf"}


def attachment_path(instance: "Attachment", filename: str) -> str:
    # A random name with the extension of the checked content: the customer's name is kept
    # only as text, so it can never pick a path or an executable suffix.
    return f"tickets/{uuid.uuid4().hex}{EXTENSION_BY_TYPE[instance.content_type]}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("ticket"))
    # Stored under MEDIA_ROOT (outside the web root); served only by tickets.views.attachment.
    file = models.FileField(upload_to=attachment_path, max_length=200, verbose_name=_("file"))
    original_name = models.CharField(max_length=200, verbose_name=_("original name"))
    # Decided from the bytes, never from the browser's claim or the file name.
    content_type = models.CharField(max_length=40, verbose_name=_("content type"))
    size = models.PositiveIntegerField(verbose_name=_("size"))
    uploaded_at = models.DateTimeField(verbose_name=_("uploaded at"))

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.original_name

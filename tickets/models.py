import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from console.accounts.models import Account
from console.core.models import AppendOnlyModel
from console.templatetags.console_format import zoned
from console.packages.models import Package
from tickets.catalogue import ISSUE_TYPE_CHOICES, PRODUCT_BY_CODE, PRODUCT_CHOICES
from tickets.service_levels import Calendar, Priority
from tickets.transitions import ACTIVE, Resolution, Status, badge


class ContactTime(models.TextChoices):
    ANYTIME = "anytime", _("Any time")
    OFFICE_HOURS = "office_hours", _("Working hours (09:00-18:00 UTC+8)")
    EVENING = "evening", _("Evenings (18:00-22:00 UTC+8)")


class ServiceLevel(models.Model):
    """One row of the service-level policy: the targets for an issue type and priority, or for a
    priority whatever the issue type (a blank issue type: the fallback). Staff edit it in the admin;
    tickets that used a row get new due times when it changes (`tickets.services`)."""

    issue_type = models.CharField(
        _("issue type"), max_length=30, choices=ISSUE_TYPE_CHOICES, blank=True,
        help_text=_("Blank: every issue type without a row of its own."),
    )
    priority = models.CharField(_("urgency"), max_length=10, choices=Priority)
    first_reply_minutes = models.PositiveIntegerField(_("first reply within (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution within (minutes)"))
    calendar = models.CharField(_("counted in"), max_length=20, choices=Calendar, default=Calendar.BUSINESS_HOURS)

    class Meta:
        ordering = ["issue_type", "priority"]
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        constraints = [
            models.UniqueConstraint(fields=["issue_type", "priority"], name="service_level_once_per_type_priority"),
            models.CheckConstraint(
                condition=Q(first_reply_minutes__gt=0, resolution_minutes__gte=F("first_reply_minutes")),
                name="service_level_targets_in_order",
            ),
        ]

    def __str__(self):
        issue = self.get_issue_type_display() if self.issue_type else gettext("any issue type")
        return f"{issue} / {self.get_priority_display()}"


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday (no business hours)")
    MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day (a weekend day worked)")


class Holiday(models.Model):
    """A day of the mainland's holiday arrangement, in the billing zone: off, or a weekend day worked."""

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=HolidayKind, default=HolidayKind.HOLIDAY)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.name}"


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
    # When the customer closed it: the report's breaches count what was owed until then.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Service level: computed from the submission by tickets.services when the ticket is submitted,
    # and again only when its priority or the policy row it used changes, or it is reopened.
    priority = models.CharField(_("urgency"), max_length=10, choices=Priority, default=Priority.NORMAL)
    service_level = models.ForeignKey(
        ServiceLevel, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets",
        verbose_name=_("service level"),
    )
    first_reply_due_at = models.DateTimeField(_("first reply due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_replied_at = models.DateTimeField(_("first staff reply"), null=True, blank=True)
    # The customer's latest reopening: the resolution is owed again, its due time counted from here.
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    # What staff must do next and by when: the first reply, then the resolution; nothing once the
    # ticket is resolved or closed. A stored generated column, so the queue sorts and filters on an index.
    next_due_at = models.GeneratedField(
        expression=Case(
            When(status__in=ACTIVE, first_replied_at__isnull=True, then=F("first_reply_due_at")),
            When(status__in=ACTIVE, then=F("resolution_due_at")),
            default=None,
        ),
        output_field=models.DateTimeField(null=True),
        db_persist=True,
        verbose_name=_("next due"),
    )
    # The due instant a near-breach warning was sent for: one warning per due time, however often
    # the sweep runs (a changed due time may be warned about again).
    first_reply_warned_for = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_warned_for = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["account", "-updated_at"], name="ticket_account_updated"),
            models.Index(fields=["status", "created_at"], name="ticket_queue"),
            # The review queue's default order (oldest first): a LIMIT 50 reads the index, no sort.
            models.Index(fields=["created_at", "id"], name="ticket_oldest_first"),
            # The queue's default order (what is due first) and its breached and due-today filters.
            models.Index(fields=["next_due_at", "id"], name="ticket_due_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=Status.RESOLVED) | Q(resolved_at__isnull=False),
                name="ticket_resolved_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | Q(closed_at__isnull=False),
                name="ticket_closed_has_time",
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


class TicketRating(models.Model):
    """The customer's satisfaction with a resolved ticket, 1 to 5, one per ticket. Changeable while
    the ticket can be reopened; kept when it is reopened (the latest word stands)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="rating", verbose_name=_("ticket"))
    score = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("rated by")
    )
    rated_at = models.DateTimeField(_("rated at"))
    # A low rating notifies the assignee once, however often it is changed.
    low_rating_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_one_to_five"),
        ]
        indexes = [models.Index(fields=["rated_at"], name="rating_rated_at")]

    def __str__(self):
        return f"#{self.ticket_id}: {self.score}/5"


class SavedReply(models.Model):
    """A canned response staff pick on the review desk; its body goes into the reply box in the
    customer's language."""

    title_en = models.CharField(_("title (English)"), max_length=80)
    title_zh_hans = models.CharField(_("title (Simplified Chinese)"), max_length=80)
    body_en = models.TextField(_("body (English)"))
    body_zh_hans = models.TextField(_("body (Simplified Chinese)"))
    active = models.BooleanField(_("offered on the desk"), default=True)

    class Meta:
        ordering = ["title_en", "id"]
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")

    def __str__(self):
        return self.title_en

    def title_in(self, language: str) -> str:
        return self.title_zh_hans if language.lower().startswith("zh") else self.title_en

    def body_in(self, language: str) -> str:
        return self.body_zh_hans if language.lower().startswith("zh") else self.body_en

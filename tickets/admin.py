"""The Django admin as the ticket review desk.

The admin only reads and calls `tickets.services`: tickets are view-only here, and every
decision (assign, reply, reject, approve a refund) is a button or list action backed by a
service that checks the permissions again.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.template.loader import render_to_string
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language as translation_language
from django.utils.translation import get_language_info
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django.views.decorators.csrf import csrf_protect

from console.accounts.permissions import staff_may_approve, staff_may_review
from console.accounts.preferences import user_language
from console.core import clock
from console.core.errors import ServiceError
from console.packages.status import package_status
from console.templatetags.console_format import countdown, quantity, zoned
from refunds.policy import OVERRULABLE
from refunds.services import RefundRefused
from tickets import selectors, services, transitions
from tickets.forms import ApproveForm, PriorityForm, RejectForm, StaffReplyForm
from tickets.models import Holiday, SavedReply, ServiceLevel, Ticket, TicketMessage
from tickets.service_levels import overdue_words

# The review desk's read-only fields, each drawn by a template of its own.
DESK_PARTS = "admin/tickets/ticket"

# The age buckets' names (their bounds: tickets.selectors.AGE_BUCKETS, shared with the report).
AGE_LABELS = {
    "lt1d": gettext_lazy("Under 1 day"),
    "1to3d": gettext_lazy("1-3 days"),
    "3to7d": gettext_lazy("3-7 days"),
    "gt7d": gettext_lazy("Over 7 days"),
}


class HasPackageFilter(admin.SimpleListFilter):
    title = gettext_lazy("has a package")
    parameter_name = "has_package"

    def lookups(self, request, model_admin):
        return [("yes", gettext("Yes")), ("no", gettext("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(package__isnull=self.value() == "no")
        return queryset


class AgeFilter(admin.SimpleListFilter):
    title = gettext_lazy("age")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return list(AGE_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() not in selectors.AGE_BUCKETS:
            return queryset
        youngest, oldest = selectors.AGE_BUCKETS[self.value()]
        now = clock.now()
        queryset = queryset.filter(created_at__lte=now - youngest)
        return queryset.filter(created_at__gt=now - oldest) if oldest else queryset


class ServiceLevelFilter(admin.SimpleListFilter):
    """Breached: a reply or resolution owed past its due time. Due today: owed by the end of the
    billing zone's day. Both compare the stored due instant with the clock, so they follow a
    presenter's clock move without a write."""

    title = gettext_lazy("service level")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("breached", gettext_lazy("Breached")), ("today", gettext_lazy("Due today"))]

    def queryset(self, request, queryset):
        now = clock.now()
        if self.value() == "breached":
            return queryset.filter(next_due_at__lt=now)
        if self.value() == "today":
            start = datetime.combine(clock.today(), time(0), tzinfo=clock.billing_zone())
            return queryset.filter(next_due_at__gte=start, next_due_at__lt=start + timedelta(days=1))
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = gettext_lazy("assignee")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("none", gettext_lazy("Unassigned")), ("me", gettext_lazy("Mine"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(assignee__isnull=True)
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        return queryset


def due_text(ticket: Ticket, now: datetime) -> tuple[str, str]:
    """(what is owed next and how long is left, or by how much it is overdue; "breached" or "due"
    or "" for the colour) as the queue and the desk show it."""
    if ticket.next_due_at is None:
        return "-", ""
    what = gettext("First reply") if ticket.first_replied_at is None else gettext("Resolution")
    # Translators: what staff owe next and its time left, "First reply: 2h 10m left".
    pattern = gettext("%(what)s: %(when)s")
    if ticket.next_due_at <= now:
        return pattern % {"what": what, "when": overdue_words(ticket.next_due_at, now)}, "breached"
    return pattern % {"what": what, "when": countdown(ticket.next_due_at, now)}, "due"


# The audit trail's words in the reader's language; a key or value not listed reads as stored.
AUDIT_KEYS = {
    "status": gettext_lazy("status"),
    "assignee": gettext_lazy("assignee"),
    "resolution": gettext_lazy("resolution"),
    "product": gettext_lazy("product"),
    "issue_type": gettext_lazy("issue type"),
    "package": gettext_lazy("package"),
    "attachments": gettext_lazy("attachments"),
    "message": gettext_lazy("message"),
    "from_staff": gettext_lazy("from staff"),
    "refund": gettext_lazy("refund"),
    "refunded_at": gettext_lazy("refunded at"),
    "order_id": gettext_lazy("order ID"),
    "channel": gettext_lazy("channel"),
    "total": gettext_lazy("total"),
    "replayed": gettext_lazy("replayed"),
    "auto_renew": gettext_lazy("auto-renewal"),
    "used": gettext_lazy("used"),
    "spec": gettext_lazy("specification"),
    "list_price": gettext_lazy("list price"),
    "discount": gettext_lazy("discount"),
    "voucher": gettext_lazy("voucher"),
    "voucher_code": gettext_lazy("voucher code"),
    "paid_free": gettext_lazy("paid from free credits"),
    "paid_commission": gettext_lazy("paid from commission credits"),
    "paid_cash": gettext_lazy("paid from cash"),
    "source": gettext_lazy("source"),
    "moved_to": gettext_lazy("renewed as"),
    "turned_off_on": gettext_lazy("turned off on"),
    "priority": gettext_lazy("urgency"),
    "first_reply_due_at": gettext_lazy("first reply due"),
    "resolution_due_at": gettext_lazy("resolution due"),
    "score": gettext_lazy("rating"),
    "comment": gettext_lazy("comment"),
}
# Amounts of money among the audited values: written as the console writes money.
AUDIT_MONEY_KEYS = {"total", "list_price", "discount", "voucher", "paid_free", "paid_commission", "paid_cash"}
# Keys whose value is an identifier people read as is (an order number), not a row's "#id".
AUDIT_PLAIN_ID_KEYS = {"order_id"}
# (English reads the stored value with spaces for underscores, as before.)
AUDIT_VALUES = {
    "open": pgettext_lazy("audit value", "open"),
    "processing": pgettext_lazy("audit value", "processing"),
    "awaiting_customer": pgettext_lazy("audit value", "awaiting customer"),
    "resolved": pgettext_lazy("audit value", "resolved"),
    "closed": pgettext_lazy("audit value", "closed"),
    "refunded": pgettext_lazy("audit value", "refunded"),
    "rejected": pgettext_lazy("audit value", "rejected"),
    "self_service": pgettext_lazy("audit value", "self service"),
    "api": pgettext_lazy("audit value", "api"),
    "ticket": pgettext_lazy("audit value", "ticket"),
    "other": pgettext_lazy("audit value", "other"),
    "unrefunded": pgettext_lazy("audit value", "not refunded"),
    "giveaway": pgettext_lazy("audit value", "giveaway"),
    "purchased": pgettext_lazy("audit value", "purchased"),
    "answered": pgettext_lazy("audit value", "answered"),
    "low": pgettext_lazy("audit value", "low"),
    "normal": pgettext_lazy("audit value", "normal"),
    "high": pgettext_lazy("audit value", "high"),
    "urgent": pgettext_lazy("audit value", "urgent"),
}
# What a row records without spelling it out: a completed refund stores the package's status
# before ("unrefunded") and the refund itself after, so the desk reads "status: not refunded →
# refunded" rather than "status was unrefunded".
AUDIT_IMPLIED_AFTER = {
    "refund.completed": {"status": "refunded"},
}
AUDIT_ACTIONS = {
    "ticket.submitted": gettext_lazy("Ticket: submitted"),
    "ticket.assigned": gettext_lazy("Ticket: assigned"),
    "ticket.replied": gettext_lazy("Ticket: replied"),
    "ticket.status_changed": gettext_lazy("Ticket: status changed"),
    "ticket.rejected": gettext_lazy("Ticket: rejected"),
    "ticket.refund_approved": gettext_lazy("Ticket: refund approved"),
    "ticket.refund_refused": gettext_lazy("Ticket: refund refused"),
    "ticket.priority_changed": gettext_lazy("Ticket: urgency changed"),
    "ticket.due_times_recomputed": gettext_lazy("Ticket: due times recomputed"),
    "ticket.rated": gettext_lazy("Ticket: rated"),
    "refund.completed": gettext_lazy("Refund: completed"),
    "refund.refused": gettext_lazy("Refund: refused"),
    "refund.not_found": gettext_lazy("Refund: not found"),
    "package.purchased": gettext_lazy("Package: purchased"),
    "package.giveaway_granted": gettext_lazy("Package: giveaway granted"),
    "package.auto_renew_set": gettext_lazy("Package: auto-renewal set"),
    "package.auto_renewed": gettext_lazy("Package: auto-renewed"),
}


def change_text(
    before: dict | None, after: dict | None, *, usernames: dict[int, str] | None = None, action: str = ""
) -> str:
    """An audit row's change as people read it: "status: open → processing; assignee: – → alice",
    not Python dicts. `usernames` names the users behind `assignee_id` values; times read in the
    billing zone as the console writes them, money as "USD 1.00", stored words in the reader's
    language."""
    before = before or {}
    after = {**AUDIT_IMPLIED_AFTER.get(action, {}), **(after or {})} if before else (after or {})
    usernames = usernames or {}

    def shown(key, value):
        if value is None:
            return _value_text(value)
        if key == "assignee_id":
            return usernames.get(value, gettext("user #%(id)s") % {"id": value})
        if key.endswith("_id") and key not in AUDIT_PLAIN_ID_KEYS:
            return f"#{value}"
        if key.endswith("_at") and isinstance(value, str) and (moment := parse_datetime(value)) is not None:
            return zoned(moment)
        if key in AUDIT_MONEY_KEYS and not isinstance(value, bool):
            return f"USD {value}"
        return _value_text(value)

    parts = []
    for key in dict.fromkeys([*before, *after]):
        label = str(
            AUDIT_KEYS.get(key) or AUDIT_KEYS.get(key.removesuffix("_id")) or key.removesuffix("_id").replace("_", " ")
        )
        old, new = shown(key, before.get(key)), shown(key, after.get(key))
        if key in before and key in after:
            parts.append(f"{label}: {old} → {new}")
        elif key in after:
            parts.append(f"{label}: {new}")
        else:
            parts.append(gettext("%(label)s was %(value)s") % {"label": label, "value": old})
    return gettext("; ").join(parts)


def _value_text(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(_value_text(item) for item in value) or gettext("none")
    if isinstance(value, dict):
        return ", ".join(
            f"{AUDIT_KEYS.get(key, key.replace('_', ' '))} {_value_text(item)}" for key, item in value.items()
        )
    if isinstance(value, str) and value in AUDIT_VALUES:
        return str(AUDIT_VALUES[value])
    return str(value).replace("_", " ")


def action_text(action: str) -> str:
    """"ticket.status_changed" → "Ticket: status changed"."""
    if action in AUDIT_ACTIONS:
        return str(AUDIT_ACTIONS[action])
    area, _, what = action.partition(".")
    return f"{area.capitalize()}: {what.replace('_', ' ')}" if what else action


def actor_text(label: str) -> str:
    """The stored actor label ("alice (staff)", "system") in the reader's language."""
    if label == "system":
        return gettext("system")
    if label.endswith(" (staff)"):
        return gettext("%(user)s (staff)") % {"user": label.removesuffix(" (staff)")}
    return label


class TicketMessageInline(admin.TabularInline):
    model = TicketMessage
    verbose_name = gettext_lazy("message")
    verbose_name_plural = gettext_lazy("conversation")
    extra = 0
    can_delete = False
    fields = ["sent", "author", "staff_said", "body"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("sent"))
    def sent(self, message):
        return zoned(message.created_at)

    @admin.display(description=gettext_lazy("from staff"))
    def staff_said(self, message):
        # A word, not Django's boolean icon: its alt text ("True") is not translated.
        return gettext("yes") if message.from_staff else gettext("no")

    def has_view_permission(self, request, obj=None):
        # Whoever may review the ticket reads its conversation; no separate message permission.
        return staff_may_review(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = [
        # The issue type is a filter, not a column: the queue keeps every column in view at 1280 px.
        # What is due comes right after the title, so a phone shows it before the table scrolls.
        "id", "title_text", "due", "priority_label", "status_badge", "assignee", "rating_score", "account_uin",
        "package_code",
    ]
    list_display_links = ["id", "title_text"]
    list_filter = [ServiceLevelFilter, AssigneeFilter, "priority", "status", "product", "issue_type", HasPackageFilter, AgeFilter]
    search_fields = ["=id", "title", "=account__uin"]
    # What is due first; tickets owing nothing (resolved, closed) after them, oldest first.
    ordering = [F("next_due_at").asc(nulls_last=True), "created_at", "id"]
    list_select_related = ["account", "package", "assignee", "rating"]
    list_per_page = 50
    actions = ["assign_to_me", "approve_refund"]
    inlines = [TicketMessageInline]
    fieldsets = [
        (None, {"fields": ["title", "description", "product", "issue_type", "status_badge", "assignee", "age"]}),
        (gettext_lazy("Service level"), {"fields": ["priority_label", "due", "first_reply_due", "first_reply",
                                                    "resolution_due", "rating_given"]}),
        (gettext_lazy("Customer"), {"fields": ["account", "requester", "contact_email", "contact_phone", "contact_time",
                                               "submitted", "last_update", "resolved", "attachment_links"]}),
        (gettext_lazy("Package and refund policy"), {"fields": ["package_summary", "refund_verdict"]}),
        (gettext_lazy("Audit trail"), {"fields": ["audit_trail"]}),
    ]
    readonly_fields = [
        "priority_label", "due", "first_reply_due", "first_reply", "resolution_due", "rating_given",
        "title", "description", "product", "issue_type", "status_badge", "assignee", "age", "account", "requester",
        "contact_email", "contact_phone", "contact_time", "submitted", "last_update", "resolved",
        "attachment_links", "package_summary", "refund_verdict", "audit_trail",
    ]

    # -- who may do what -------------------------------------------------------------------

    def has_view_permission(self, request, obj=None):
        return staff_may_review(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Fields are never edited here; decisions go through the buttons and actions below.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        return staff_may_review(request.user)

    def has_approve_permission(self, request):
        return staff_may_approve(request.user)

    # -- read-only displays ------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "account", "raised_by", "assignee", "package__spec", "package__owner", "package__payer", "rating"
        )

    @admin.display(description=gettext_lazy("title"), ordering="title")
    def title_text(self, ticket):
        # What the customer wrote, marked as such: it is not translated.
        return render_to_string(f"{DESK_PARTS}/_user_text.html", {"text": ticket.title})

    @admin.display(description=gettext_lazy("urgency"), ordering="priority")
    def priority_label(self, ticket):
        return ticket.get_priority_display()

    @admin.display(description=gettext_lazy("time left"), ordering=F("next_due_at").asc(nulls_last=True))
    def due(self, ticket):
        text, state = due_text(ticket, clock.now())
        return render_to_string(f"{DESK_PARTS}/_due.html", {"text": text, "state": state})

    @admin.display(description=gettext_lazy("first reply due"))
    def first_reply_due(self, ticket):
        return zoned(ticket.first_reply_due_at) or "-"

    @admin.display(description=gettext_lazy("first staff reply"))
    def first_reply(self, ticket):
        return zoned(ticket.first_replied_at) or "-"

    @admin.display(description=gettext_lazy("resolution due"))
    def resolution_due(self, ticket):
        return zoned(ticket.resolution_due_at) or "-"

    @admin.display(description=gettext_lazy("rating"), ordering="rating__score")
    def rating_score(self, ticket):
        rating = getattr(ticket, "rating", None)
        return render_to_string(f"{DESK_PARTS}/_rating.html", {"rating": rating, "short": True})

    @admin.display(description=gettext_lazy("customer's rating"))
    def rating_given(self, ticket):
        rating = getattr(ticket, "rating", None)
        return render_to_string(f"{DESK_PARTS}/_rating.html", {"rating": rating, "short": False})

    @admin.display(description=gettext_lazy("package"), ordering="package__code")
    def package_code(self, ticket):
        return ticket.package.code if ticket.package else "-"

    @admin.display(description="UIN", ordering="account__uin")
    def account_uin(self, ticket):
        return ticket.account.uin

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, ticket):
        # What the customer sees: a rejected request reads "Rejected", not "Resolved".
        return ticket.badge_label

    @admin.display(description=gettext_lazy("raised by"))
    def requester(self, ticket):
        """Who raised it, and whether they may refund: approval is refused when they may not."""
        member = getattr(ticket.raised_by, "member", None)
        role = (
            member.get_role_display()
            if member is not None and member.account_id == ticket.account_id
            else gettext("not a member of this account")
        )
        may_refund = services.requester_may_refund(ticket)
        return render_to_string(f"{DESK_PARTS}/_requester.html", {
            "username": ticket.raised_by.get_username(),
            "role": role,
            "may_refund": may_refund,
            "may_text": gettext("may refund packages") if may_refund else gettext("may not refund packages"),
            "may_not_why": gettext(": a refund cannot be approved on this ticket; the account owner must ask for it"),
        })

    @admin.display(description=gettext_lazy("submitted"), ordering="created_at")
    def submitted(self, ticket):
        return zoned(ticket.created_at)

    @admin.display(description=gettext_lazy("last update"), ordering="updated_at")
    def last_update(self, ticket):
        return zoned(ticket.updated_at)

    @admin.display(description=gettext_lazy("resolved"))
    def resolved(self, ticket):
        if ticket.resolved_at is None:
            return "-"
        return f"{zoned(ticket.resolved_at)}: {ticket.get_resolution_display().lower()}" if ticket.resolution else zoned(ticket.resolved_at)

    @admin.display(description=gettext_lazy("age"), ordering="created_at")
    def age(self, ticket):
        age = clock.now() - ticket.created_at
        hours = int(age.total_seconds() // 3600)
        return gettext("%(days)s d %(hours)s h") % {"days": hours // 24, "hours": hours % 24}

    @admin.display(description=gettext_lazy("attachments"))
    def attachment_links(self, ticket):
        return render_to_string(f"{DESK_PARTS}/_attachments.html", {"files": ticket.attachments.all()})

    @admin.display(description=gettext_lazy("related package"))
    def package_summary(self, ticket):
        package = ticket.package
        if package is None:
            return gettext("No package named on this ticket.")
        status = package_status(package, billing_mode=package.owner.billing_mode_at(clock.now()), now=clock.now())
        # As the customer's package page shows it: units people read, one time format with its zone.
        facts = gettext(
            "status %(status)s · bought %(bought)s · used %(used)s of %(total)s · "
            "paid USD %(paid)s (list USD %(list)s, discount USD %(discount)s, voucher USD %(voucher)s)"
        ) % {
            "status": status.label, "bought": zoned(package.purchased_at),
            "used": quantity(package.used, package.kind), "total": quantity(package.total, package.kind),
            "paid": package.paid_total, "list": package.list_price, "discount": package.discount, "voucher": package.voucher,
        }
        return render_to_string(f"{DESK_PARTS}/_package_summary.html", {
            "package": package,
            "kind": package.get_kind_display(),
            "facts": facts,
            "refunded": gettext("refunded %(at)s") % {"at": zoned(package.refunded_at)} if package.refunded_at else "",
        })

    @admin.display(description=gettext_lazy("refund policy says"))
    def refund_verdict(self, ticket):
        # Once decided, the desk says what happened, not what the policy would refund today.
        outcome = selectors.ticket_outcome(ticket)
        if outcome is not None:
            return _outcome_html(outcome)
        verdict = selectors.ticket_refund_verdict(ticket)
        if verdict is None:
            return "-"
        return render_to_string(f"{DESK_PARTS}/_refund_verdict.html", {
            "verdict": verdict,
            "headline": gettext("Refundable") if verdict.eligible else gettext("Not refundable"),
            "reasons": [
                (reason.message, gettext(" (staff may overrule this with a written note)") if reason in OVERRULABLE else "")
                for reason in verdict.reasons
            ],
            "deadline": gettext("Deadline: %(deadline)s") % {"deadline": zoned(verdict.deadline)},
            "would_refund": gettext(
                "Would refund: cash USD %(cash)s, commission credits USD %(commission)s, free credits USD %(free)s; "
                "total USD %(total)s. Not refunded: discount USD %(discount)s, voucher USD %(voucher)s."
            ) % {
                "cash": verdict.refund.cash, "commission": verdict.refund.commission, "free": verdict.refund.free,
                "total": verdict.refund.total, "discount": verdict.not_refunded_discount,
                "voucher": verdict.not_refunded_voucher,
            },
            "goes_back_to": gettext("Goes back to: %(payer)s (UIN %(uin)s)") % {"payer": verdict.payer_name, "uin": verdict.payer_uin},
        })

    @admin.display(description=gettext_lazy("audit trail (ticket and package)"))
    def audit_trail(self, ticket):
        entries = list(selectors.audit_trail(ticket))
        assignees = {
            value for entry in entries for side in (entry.before or {}, entry.after or {})
            if (value := side.get("assignee_id")) is not None
        }
        usernames = dict(get_user_model().objects.filter(pk__in=assignees).values_list("pk", "username")) if assignees else {}
        return render_to_string(f"{DESK_PARTS}/_audit_trail.html", {
            "headings": [gettext("at"), gettext("who"), gettext("action"), gettext("object"), gettext("change"), gettext("note")],
            "rows": [
                (zoned(entry.at), actor_text(entry.actor_label), action_text(entry.action),
                 gettext("ticket") if entry.object_type == Ticket._meta.label_lower else gettext("package"),
                 change_text(entry.before, entry.after, usernames=usernames, action=entry.action), entry.note)
                for entry in entries
            ],
        })

    # -- list actions ------------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Assign to me"), permissions=["review"])
    def assign_to_me(self, request, queryset):
        for ticket in queryset:
            self._assign(request, ticket.pk)

    @admin.action(description=gettext_lazy("Approve refund (the refund policy still applies)"), permissions=["approve"])
    def approve_refund(self, request, queryset):
        for ticket in queryset:
            self._approve(request, ticket.pk, note="")

    # -- change-page buttons -----------------------------------------------------------------

    def get_urls(self):
        def route(suffix, view):
            return path(
                f"<int:object_id>/{suffix}/", self.admin_site.admin_view(view), name=f"tickets_ticket_{suffix}"
            )

        return [
            path("report/", self.admin_site.admin_view(self.report_view), name="tickets_ticket_report"),
            route("approve", self.approve_view),
            route("reject", self.reject_view),
            route("reply", self.reply_view),
            route("resolve", self.resolve_view),
            route("priority", self.priority_view),
            route("assign", self.assign_view),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ticket = self.get_object(request, object_id)
        # Only the decisions the ticket's status still allows (tickets.transitions.STAFF_ACTIONS).
        still = transitions.staff_actions(ticket.status) if ticket is not None else frozenset()
        language = user_language(ticket.raised_by) if ticket is not None else ""
        saved = list(selectors.saved_replies())
        chosen = next((reply for reply in saved if str(reply.pk) == request.GET.get("saved_reply")), None)
        context = {
            "can_review": self.has_review_permission(request),
            "can_approve": self.has_approve_permission(request),
            "may_assign": "assign" in still,
            "may_reply": "reply" in still,
            "may_resolve": "resolve" in still,
            "may_change_priority": "priority" in still,
            "may_reject": "reject" in still,
            "may_approve": "approve" in still and ticket.package is not None and ticket.package.refunded_at is None,
            "requester_may_refund": ticket is not None and services.requester_may_refund(ticket),
            "ticket_badge": ticket.badge_label if ticket is not None else "",
            "raised_it": ticket is not None and ticket.raised_by_id == request.user.pk,
            "approve_form": ApproveForm(),
            "reject_form": RejectForm(),
            # A saved reply picked on the desk (a GET, so it works without JavaScript) fills the reply
            # box in the customer's language.
            "reply_form": StaffReplyForm(initial={"body": chosen.body_in(language)} if chosen else None),
            "saved_replies": [(reply.pk, reply.title_in(translation_language()), reply.pk == getattr(chosen, "pk", None)) for reply in saved],
            "customer_language": get_language_info(language)["name_translated"] if language else "",
            "reopen_days": settings.TICKET_REOPEN_DAYS,
            "priority_form": PriorityForm(initial={"priority": ticket.priority} if ticket is not None else None),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)

    def approve_view(self, request, object_id):
        return self._decide(request, object_id, ApproveForm, "approve_form",
                            lambda data: self._approve(request, object_id, note=data["note"]))

    def reject_view(self, request, object_id):
        return self._decide(request, object_id, RejectForm, "reject_form",
                            lambda data: self._call(request, object_id, services.ticket_reject, gettext_lazy("Ticket #%(id)s rejected."), reason=data["reason"]))

    def reply_view(self, request, object_id):
        return self._decide(request, object_id, StaffReplyForm, "reply_form",
                            lambda data: self._call(request, object_id, services.ticket_staff_reply, gettext_lazy("Ticket #%(id)s answered."), body=data["body"]))

    def resolve_view(self, request, object_id):
        return self._decide(request, object_id, StaffReplyForm, "reply_form",
                            lambda data: self._call(request, object_id, services.ticket_resolve_with_answer, gettext_lazy("Ticket #%(id)s resolved with your answer."), answer=data["body"]))

    def priority_view(self, request, object_id):
        return self._decide(request, object_id, PriorityForm, "priority_form",
                            lambda data: self._call(request, object_id, services.ticket_priority_set, gettext_lazy("Ticket #%(id)s: urgency changed and due times computed again."), priority=data["priority"]))

    def report_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = selectors.desk_report()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Help desk report"),
            "opts": self.model._meta,
            "report": report,
            "open_rows": [(label, report.open_by_age[key]) for key, label in AGE_LABELS.items()],
            "open_total": sum(report.open_by_age.values()),
            "windows": [
                {
                    "days": window.days,
                    "first_reply": _duration_text(window.first_reply_median),
                    "first_replies": window.first_replies,
                    "resolution": _duration_text(window.resolution_median),
                    "resolutions": window.resolutions,
                    "breached": f"{window.breached_share:.0%}" if window.breached_share is not None else "-",
                    "breached_count": window.breached,
                    "submitted": window.submitted,
                    "rating": f"{window.rating_average:.1f}" if window.rating_average is not None else "-",
                    "ratings": window.ratings,
                }
                for window in report.windows
            ],
        }
        return TemplateResponse(request, "admin/tickets/ticket/report.html", context)

    def assign_view(self, request, object_id):
        return self._decide(request, object_id, None, None, lambda data: self._assign(request, object_id))

    def _decide(self, request, object_id, form_class, form_name, act):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        get_object_or_404(Ticket, pk=object_id)
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = form_class(request.POST) if form_class else None
        if form is not None and not form.is_valid():
            # Show the errors beside the field on the change page; nothing was saved. The change
            # view would treat a POST as an edit of the ticket, so it is shown as a GET.
            request.method = "GET"
            return self.change_view(request, str(object_id), extra_context={form_name: form})
        act(form.cleaned_data if form is not None else {})
        return redirect("admin:tickets_ticket_change", object_id)

    def _assign(self, request, ticket_id):
        self._call(request, ticket_id, services.ticket_assign, gettext_lazy("Ticket #%(id)s assigned to you."))

    def _call(self, request, ticket_id, service, done: str, **kwargs):
        try:
            service(ticket_id=ticket_id, staff=request.user, **kwargs)
        except ServiceError as error:
            self.message_user(request, _ticket_says(ticket_id, error.message), messages.ERROR)
        else:
            self.message_user(request, str(done) % {"id": ticket_id}, messages.SUCCESS)

    def _approve(self, request, ticket_id, *, note: str):
        try:
            result = services.ticket_refund_approve(ticket_id=ticket_id, staff=request.user, note=note)
        except RefundRefused as refusal:
            self.message_user(
                request, _ticket_says(ticket_id, gettext("the refund policy refuses this refund. Nothing changed.")),
                messages.ERROR,
            )
            for reason in refusal.verdict.reasons:
                hint = " " + gettext("Add an overrule note to approve anyway.") if reason in OVERRULABLE else ""
                self.message_user(request, _ticket_says(ticket_id, f"{reason.message}{hint}"), messages.ERROR)
        except ServiceError as error:
            self.message_user(request, _ticket_says(ticket_id, error.message), messages.ERROR)
        else:
            refund = result.refund
            done = gettext(
                "Ticket #%(id)s resolved: refunded USD %(total)s (cash %(cash)s, commission %(commission)s, "
                "free %(free)s) to %(payer)s (UIN %(uin)s)."
            ) % {
                "id": ticket_id, "total": refund.total, "cash": refund.cash, "commission": refund.commission,
                "free": refund.free, "payer": refund.payer.name, "uin": refund.payer.uin,
            }
            if result.replayed:
                done += " " + gettext("The refund had already been made; no money moved again.")
            self.message_user(request, done, messages.SUCCESS)


def _duration_text(duration: timedelta | None) -> str:
    """A median time as "3h 20m" or "2d 4h"; "-" when nothing was measured."""
    if duration is None:
        return "-"
    minutes = int(duration.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return gettext("%(days)sd %(hours)sh") % {"days": days, "hours": hours}
    return gettext("%(hours)sh %(minutes)sm") % {"hours": hours, "minutes": minutes}


def _person_text(user) -> str:
    """A person who acted, as the audit trail names them: "alice (staff)" or "alice"."""
    name = user.get_username()
    return gettext("%(user)s (staff)") % {"user": name} if user.is_staff else name


def _outcome_html(outcome: selectors.TicketOutcome) -> str:
    """What was decided on the ticket or its package: the refund with its amounts per bucket,
    who made it and when; or the rejection, by whom, when and why."""
    refund = outcome.refund
    if refund is not None:
        return render_to_string(f"{DESK_PARTS}/_outcome.html", {
            "kind": "refunded",
            "headline": gettext("Refunded"),
            "lines": [
                gettext("Refunded %(at)s by %(who)s (%(channel)s), refund order %(order)s.") % {
                    "at": zoned(refund.created_at), "who": _person_text(refund.requested_by),
                    "channel": refund.get_channel_display(), "order": refund.order_id,
                },
                gettext(
                    "Refunded: cash USD %(cash)s, commission credits USD %(commission)s, free credits USD %(free)s; "
                    "total USD %(total)s."
                ) % {"cash": refund.cash, "commission": refund.commission, "free": refund.free, "total": refund.total},
                gettext("Went back to: %(payer)s (UIN %(uin)s)") % {"payer": refund.payer.name, "uin": refund.payer.uin},
            ],
        })
    rejection = outcome.rejection
    lines = []
    if rejection is not None:
        lines.append(gettext("Rejected %(at)s by %(who)s; no money moved.") % {
            "at": zoned(rejection.at), "who": actor_text(rejection.actor_label),
        })
        if rejection.note:
            lines.append(gettext("Reason: %(reason)s") % {"reason": rejection.note})
    return render_to_string(f"{DESK_PARTS}/_outcome.html", {"kind": "rejected", "headline": gettext("Rejected"), "lines": lines})


def _ticket_says(ticket_id, message) -> str:
    """"Ticket #12: <message>" in the reader's language."""
    return gettext("Ticket #%(id)s: %(message)s") % {"id": ticket_id, "message": message}


# --- the policy, the holidays and the saved replies, edited by staff --------------------------------


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = ["__str__", "first_reply_minutes", "resolution_minutes", "calendar"]
    list_filter = ["priority", "calendar"]

    @method_decorator(csrf_protect)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Django's admin handles a POST here inside transaction.atomic, in which save_model's
        # service_level_save (a durable top-level action) cannot open its own: handled outside it.
        return self._changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # Through the service: the tickets still owed under this row get their due times again.
        changed = services.service_level_save(level=obj, staff=request.user)
        if changed:
            self.message_user(
                request, gettext("Due times computed again for %(count)s open tickets.") % {"count": changed}, messages.INFO
            )


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "day"


@admin.register(SavedReply)
class SavedReplyAdmin(admin.ModelAdmin):
    list_display = ["title_en", "title_zh_hans", "active"]
    list_filter = ["active"]
    search_fields = ["title_en", "title_zh_hans", "body_en", "body_zh_hans"]

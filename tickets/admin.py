"""The Django admin as the ticket review desk.

The admin only reads and calls `tickets.services`: tickets are view-only here, and every
decision (assign, reply, reject, approve a refund) is a button or list action backed by a
service that checks the permissions again.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from console.accounts.permissions import staff_may_approve, staff_may_review
from console.core import clock
from console.core.errors import ServiceError
from console.packages.status import package_status
from refunds.policy import OVERRULABLE
from refunds.services import RefundRefused
from tickets import selectors, services
from tickets.forms import ApproveForm, RejectForm, StaffReplyForm
from tickets.models import Ticket, TicketMessage

AGE_BUCKETS = {
    "lt1d": ("Under 1 day", timedelta(0), timedelta(days=1)),
    "1to3d": ("1-3 days", timedelta(days=1), timedelta(days=3)),
    "3to7d": ("3-7 days", timedelta(days=3), timedelta(days=7)),
    "gt7d": ("Over 7 days", timedelta(days=7), None),
}


class HasPackageFilter(admin.SimpleListFilter):
    title = "has a package"
    parameter_name = "has_package"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(package__isnull=self.value() == "no")
        return queryset


class AgeFilter(admin.SimpleListFilter):
    title = "age"
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _, _) in AGE_BUCKETS.items()]

    def queryset(self, request, queryset):
        if self.value() not in AGE_BUCKETS:
            return queryset
        _, youngest, oldest = AGE_BUCKETS[self.value()]
        now = clock.now()
        queryset = queryset.filter(created_at__lte=now - youngest)
        return queryset.filter(created_at__gt=now - oldest) if oldest else queryset


class TicketMessageInline(admin.TabularInline):
    model = TicketMessage
    verbose_name = "message"
    verbose_name_plural = "conversation"
    extra = 0
    can_delete = False
    fields = ["created_at", "author", "from_staff", "body"]
    readonly_fields = fields

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
    list_display = ["id", "title", "product_code", "issue_type", "account_uin", "package_code", "status", "age", "assignee"]
    list_display_links = ["id", "title"]
    list_filter = ["status", "product", "issue_type", HasPackageFilter, AgeFilter]
    search_fields = ["=id", "title", "=account__uin"]
    ordering = ["created_at", "id"]
    list_select_related = ["account", "package", "assignee"]
    list_per_page = 50
    actions = ["assign_to_me", "approve_refund"]
    inlines = [TicketMessageInline]
    fieldsets = [
        (None, {"fields": ["title", "description", "product", "issue_type", "status", "assignee", "age"]}),
        ("Customer", {"fields": ["account", "raised_by", "contact_email", "contact_phone", "contact_time",
                                 "created_at", "updated_at", "resolved_at", "attachment_links"]}),
        ("Package and refund policy", {"fields": ["package_summary", "refund_verdict"]}),
        ("Audit trail", {"fields": ["audit_trail"]}),
    ]
    readonly_fields = [
        "title", "description", "product", "issue_type", "status", "assignee", "age", "account", "raised_by",
        "contact_email", "contact_phone", "contact_time", "created_at", "updated_at", "resolved_at",
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
        return super().get_queryset(request).select_related("account", "raised_by", "assignee", "package__spec", "package__owner", "package__payer")

    @admin.display(description="product", ordering="product")
    def product_code(self, ticket):
        # The code keeps the queue narrow enough for status, age and assignee to stay in view.
        return ticket.product.upper()

    @admin.display(description="package", ordering="package__code")
    def package_code(self, ticket):
        return ticket.package.code if ticket.package else "-"

    @admin.display(description="UIN", ordering="account__uin")
    def account_uin(self, ticket):
        return ticket.account.uin

    @admin.display(description="age", ordering="created_at")
    def age(self, ticket):
        age = clock.now() - ticket.created_at
        hours = int(age.total_seconds() // 3600)
        return f"{hours // 24} d {hours % 24} h"

    @admin.display(description="attachments")
    def attachment_links(self, ticket):
        files = ticket.attachments.all()
        if not files:
            return "-"
        return format_html_join(
            ", ", '<a href="{}">{}</a> ({})',
            ((reverse("tickets:attachment", args=[file.pk]), file.original_name, file.content_type) for file in files),
        )

    @admin.display(description="related package")
    def package_summary(self, ticket):
        package = ticket.package
        if package is None:
            return "No package named on this ticket."
        status = package_status(package, billing_mode=package.owner.billing_mode, now=clock.now())
        return format_html(
            '<a href="{}">{}</a> {} ({}) &middot; status {} &middot; bought {} &middot; used {} of {} &middot; '
            "paid USD {} (list {}, discount {}, voucher {}){}",
            reverse("admin:console_package_change", args=[package.pk]), package.code, package.spec,
            package.get_kind_display(), status.label,
            package.purchased_at.astimezone(clock.billing_zone()).strftime("%Y-%m-%d %H:%M:%S (UTC%z)"),
            package.used, package.total,
            package.paid_total, package.list_price, package.discount, package.voucher,
            format_html(" &middot; <strong>refunded {}</strong>", package.refunded_at) if package.refunded_at else "",
        )

    @admin.display(description="refund policy says")
    def refund_verdict(self, ticket):
        verdict = selectors.ticket_refund_verdict(ticket)
        if verdict is None:
            return "-"
        offset = verdict.deadline.isoformat()[-6:]
        reasons = format_html_join(
            "", "<li>{}{}</li>",
            ((reason.message, " (staff may overrule this with a written note)" if reason in OVERRULABLE else "")
             for reason in verdict.reasons),
        )
        return format_html(
            '<div class="refund-verdict" data-eligible="{}"><strong>{}</strong><ul>{}</ul>'
            "<p>Deadline: {} {} (UTC{})</p>"
            "<p>Would refund: cash USD {}, commission credits USD {}, free credits USD {}; total USD {}. "
            "Not refunded: discount USD {}, voucher USD {}.</p>"
            "<p>Goes back to: {} (UIN {})</p></div>",
            "yes" if verdict.eligible else "no",
            "Refundable" if verdict.eligible else "Not refundable",
            reasons,
            verdict.deadline.strftime("%Y-%m-%d %H:%M:%S"), settings.BILLING_TIME_ZONE, offset,
            verdict.refund.cash, verdict.refund.commission, verdict.refund.free, verdict.refund.total,
            verdict.not_refunded_discount, verdict.not_refunded_voucher,
            verdict.payer_name, verdict.payer_uin,
        )

    @admin.display(description="audit trail (ticket and package)")
    def audit_trail(self, ticket):
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} &rarr; {}</td><td>{}</td></tr>",
            ((entry.at.strftime("%Y-%m-%d %H:%M:%S"), entry.actor_label, entry.action, entry.object_type,
              entry.before or "", entry.after or "", entry.note) for entry in selectors.audit_trail(ticket)),
        )
        return format_html(
            "<table><thead><tr><th>at</th><th>who</th><th>action</th><th>object</th><th>change</th><th>note</th>"
            "</tr></thead><tbody>{}</tbody></table>", rows,
        )

    # -- list actions ------------------------------------------------------------------------

    @admin.action(description="Assign to me", permissions=["review"])
    def assign_to_me(self, request, queryset):
        for ticket in queryset:
            self._assign(request, ticket.pk)

    @admin.action(description="Approve refund (the refund policy still applies)", permissions=["approve"])
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
            route("approve", self.approve_view),
            route("reject", self.reject_view),
            route("reply", self.reply_view),
            route("assign", self.assign_view),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ticket = self.get_object(request, object_id)
        context = {
            "can_review": self.has_review_permission(request),
            "can_approve": self.has_approve_permission(request),
            "raised_it": ticket is not None and ticket.raised_by_id == request.user.pk,
            "approve_form": ApproveForm(),
            "reject_form": RejectForm(),
            "reply_form": StaffReplyForm(),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)

    def approve_view(self, request, object_id):
        return self._decide(request, object_id, ApproveForm, "approve_form",
                            lambda data: self._approve(request, object_id, note=data["note"]))

    def reject_view(self, request, object_id):
        return self._decide(request, object_id, RejectForm, "reject_form",
                            lambda data: self._call(request, object_id, services.ticket_reject, "rejected", reason=data["reason"]))

    def reply_view(self, request, object_id):
        return self._decide(request, object_id, StaffReplyForm, "reply_form",
                            lambda data: self._call(request, object_id, services.ticket_staff_reply, "answered", body=data["body"]))

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
        self._call(request, ticket_id, services.ticket_assign, "assigned to you")

    def _call(self, request, ticket_id, service, done: str, **kwargs):
        try:
            service(ticket_id=ticket_id, staff=request.user, **kwargs)
        except ServiceError as error:
            self.message_user(request, f"Ticket #{ticket_id}: {error.message}", messages.ERROR)
        else:
            self.message_user(request, f"Ticket #{ticket_id} {done}.", messages.SUCCESS)

    def _approve(self, request, ticket_id, *, note: str):
        try:
            result = services.ticket_refund_approve(ticket_id=ticket_id, staff=request.user, note=note)
        except RefundRefused as refusal:
            self.message_user(request, f"Ticket #{ticket_id}: the refund policy refuses this refund. Nothing changed.", messages.ERROR)
            for reason in refusal.verdict.reasons:
                hint = " Add an overrule note to approve anyway." if reason in OVERRULABLE else ""
                self.message_user(request, f"Ticket #{ticket_id}: {reason.message}{hint}", messages.ERROR)
        except ServiceError as error:
            self.message_user(request, f"Ticket #{ticket_id}: {error.message}", messages.ERROR)
        else:
            refund = result.refund
            self.message_user(
                request,
                f"Ticket #{ticket_id} resolved: refunded USD {refund.total} (cash {refund.cash}, commission "
                f"{refund.commission}, free {refund.free}) to {refund.payer.name} (UIN {refund.payer.uin})."
                + (" The refund had already been made; no money moved again." if result.replayed else ""),
                messages.SUCCESS,
            )

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from console.accounts.models import Account, ApiKey, BillingMode, Member, Policy, PolicyAttachment
from console.core import clock


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    autocomplete_fields = ["user"]


class BillingModeTodayFilter(admin.SimpleListFilter):
    """The mode in force today, not the kept `billing_mode` (the mode before a change that has
    since taken effect)."""

    title = _("billing mode today")
    parameter_name = "billing_mode_today"

    def lookups(self, request, model_admin):
        return BillingMode.choices

    def queryset(self, request, queryset):
        if self.value() not in BillingMode.values:
            return queryset
        return queryset.filter(Account.billing_mode_on_q(self.value(), clock.today()))


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["uin", "name", "status", "billing_mode_today", "cash_balance", "commission_balance", "free_balance", "owed_balance"]
    list_filter = ["status", BillingModeTodayFilter]
    search_fields = ["uin", "name"]
    # Balances move only through ledger entries (console.ledger.services.ledger_post).
    # The overdue-payment standing moves only through console.billing.arrears (staff record a
    # payment under Top-ups); staff set only a suspension for violations here.
    # The billing mode changes only through console.billing.services.billing_mode_change (Billing
    # mode changes -> Set a billing mode), which keeps these three from its history.
    readonly_fields = [
        "billing_mode", "billing_mode_next", "billing_mode_next_from", "cash_balance", "commission_balance", "free_balance", "owed_balance", "billing_started_at",
        "standing_since", "arrears_deadline", "repossession_warned",
    ]
    inlines = [MemberInline]

    @admin.display(description=_("billing mode today"))
    def billing_mode_today(self, account: Account) -> str:
        return BillingMode(account.billing_mode_on(clock.today())).label


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Staff see who has which key and may disable one; the SecretKey is never shown."""

    list_display = ["secret_id", "member", "enabled", "created_at", "last_used_at"]
    list_filter = ["enabled"]
    search_fields = ["secret_id", "member__user__username", "member__account__name"]
    fields = ["secret_id", "member", "enabled", "created_at", "last_used_at"]
    readonly_fields = ["secret_id", "member", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # keys are created by their owner, who alone sees the SecretKey


class PolicyAttachmentInline(admin.TabularInline):
    model = PolicyAttachment
    extra = 0
    fields = ["member", "attached_at", "attached_by"]
    readonly_fields = fields
    can_delete = False


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "created_at"]
    search_fields = ["name", "account__name", "account__uin"]
    readonly_fields = ["account", "name", "description", "document", "created_at"]
    inlines = [PolicyAttachmentInline]

    def has_add_permission(self, request):
        return False  # owners write policies on Users and permissions, where they are checked

from django.contrib import admin

from console.accounts.models import Account, Member


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["uin", "name", "status", "billing_mode", "cash_balance", "commission_balance", "free_balance"]
    list_filter = ["status", "billing_mode"]
    search_fields = ["uin", "name"]
    # Balances move only through ledger entries (console.ledger.services.ledger_post).
    readonly_fields = ["cash_balance", "commission_balance", "free_balance", "billing_started_at"]
    inlines = [MemberInline]

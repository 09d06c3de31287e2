from django.contrib import admin

from console.core.admin import ReadOnlyAdmin
from console.ledger.models import LedgerEntry


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "account", "bucket", "amount", "balance_after", "kind", "reference"]
    list_filter = ["bucket", "kind"]
    search_fields = ["account__uin", "reference"]
    list_select_related = ["account"]

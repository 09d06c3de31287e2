from django.contrib import admin

from console.core.admin import ReadOnlyAdmin
from refunds.models import Refund


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "package", "owner", "payer", "channel", "cash", "commission", "free"]
    list_filter = ["channel", "reason"]
    search_fields = ["package__code", "owner__uin", "payer__uin", "idempotency_key"]
    list_select_related = ["package__spec", "owner", "payer"]

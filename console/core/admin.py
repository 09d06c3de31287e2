from django.contrib import admin

from console.core.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only history: staff read it, nobody edits or deletes it from here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "account"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_label", "account__uin"]
    list_select_related = ["account"]

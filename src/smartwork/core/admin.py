from django.contrib import admin

from smartwork.core.models import AuditEntry, IdempotencyRecord


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "object_repr", "actor", "network_id")
    list_filter = ("action",)
    search_fields = ("action", "object_repr", "object_id", "actor__email")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "method", "path", "state", "status_code")
    list_filter = ("state", "method")
    search_fields = ("key", "path", "user__email")

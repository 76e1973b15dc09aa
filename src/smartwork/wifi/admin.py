"""Read-mostly admin: secrets and passwords are never shown or edited here (use
the API, which goes through the services and the audit log)."""

from typing import Any

from django.contrib import admin

from smartwork.wifi.models import AuthAttempt, Nas, PresenceSession, RadiusRestToken, WifiIdentity


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(WifiIdentity)
class WifiIdentityAdmin(ReadOnlyAdmin):
    list_display = ("username", "member", "is_active", "password_set_at", "locked_until")
    search_fields = ("username", "member__email")
    exclude = ("password_hash",)


@admin.register(Nas)
class NasAdmin(ReadOnlyAdmin):
    list_display = ("name", "address", "centre", "is_active", "require_message_authenticator")
    list_filter = ("is_active",)
    search_fields = ("name", "address", "centre__name")
    exclude = ("secret_encrypted",)


@admin.register(PresenceSession)
class PresenceSessionAdmin(ReadOnlyAdmin):
    list_display = ("member", "centre", "started_at", "ended_at", "input_octets",
                    "output_octets", "stop_cause")
    list_filter = ("centre",)
    date_hierarchy = "started_at"


@admin.register(AuthAttempt)
class AuthAttemptAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "username", "centre", "result", "reason", "via")
    list_filter = ("result", "reason", "via")
    search_fields = ("username",)
    date_hierarchy = "created_at"


@admin.register(RadiusRestToken)
class RadiusRestTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "prefix", "network", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)

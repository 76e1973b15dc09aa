from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from smartwork.accounts.models import ApiToken, Organisation, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ("network", "centre", "organisation")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "company", "network", "is_active")
    list_filter = ("is_active", "is_staff", "network", "language", "commute_mode")
    search_fields = ("email", "first_name", "last_name", "company__legal_name")
    autocomplete_fields = ("company", "network")
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "language", "phone")}),
        ("Membership", {"fields": ("company", "network", "deactivated_at")}),
        ("Home and commute", {"fields": ("home_town", "home_lat", "home_lon", "commute_mode")}),
        ("Admin site", {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                   "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "company" in form.changed_data and obj.company is not None:
            # Made a company's employee here, as by an accepted invitation: their own
            # membership ends with its month (in the admin's transaction).
            from smartwork.credits.services import membership_member_joined_company

            membership_member_joined_company(actor=request.user,  # type: ignore[arg-type]
                                             member=obj, company=obj.company)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "kind", "sector", "enterprise_number", "city", "network",
                    "is_active")
    list_filter = ("kind", "sector", "size", "language", "network", "is_active")
    search_fields = ("legal_name", "enterprise_number", "vat_number", "city")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "network", "centre", "organisation", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email",)
    autocomplete_fields = ("user", "network", "centre", "organisation")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    search_fields = ("user__email", "name", "prefix")
    readonly_fields = ("key_hash", "prefix", "created_at", "last_used_at")

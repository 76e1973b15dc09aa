from django.contrib import admin

from smartwork.network.models import (
    Alliance,
    Centre,
    Closure,
    Inspection,
    LabelEvent,
    Network,
    OpeningHours,
    Price,
    Resource,
)


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ("name", "operator", "commission_rate", "credit_hour_value", "currency")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Alliance)
class AllianceAdmin(admin.ModelAdmin):
    list_display = ("network_a", "network_b", "status", "starts_on", "ends_on")
    list_filter = ("status",)


class HoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0
    fields = ("kind", "name", "capacity", "equipment", "is_active")


class PriceInline(admin.TabularInline):
    model = Price
    extra = 0


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "network", "operator", "label_status")
    list_filter = ("network", "label_status", "operator__sector")
    search_fields = ("name", "city", "postcode", "street")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("label_status", "label_changed_at")
    inlines = [HoursInline, ClosureInline, ResourceInline, PriceInline]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("centre", "visited_on", "inspector_name", "passed")
    list_filter = ("passed", "centre__network")
    search_fields = ("centre__name", "inspector_name")
    readonly_fields = ("checklist", "passed")


@admin.register(LabelEvent)
class LabelEventAdmin(admin.ModelAdmin):
    list_display = ("centre", "from_status", "to_status", "created_at", "actor")
    list_filter = ("to_status",)
    search_fields = ("centre__name", "reason")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("name", "centre", "kind", "capacity", "is_active")
    list_filter = ("kind", "is_active", "centre__network")
    search_fields = ("name", "centre__name")


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
    list_display = ("centre", "resource_kind", "per_half_day", "per_day", "per_hour", "vat_rate",
                    "valid_from")
    list_filter = ("resource_kind",)
    search_fields = ("centre__name",)

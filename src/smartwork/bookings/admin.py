from django.contrib import admin

from smartwork.bookings.models import Booking, BookingSeries, CalendarFeed


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-mostly: state changes go through the services (rules, audit, mail)."""

    list_display = ("id", "member", "resource", "centre", "slot", "start", "end", "state",
                    "payment_method", "price_net")
    list_filter = ("state", "slot", "payment_method", "centre")
    search_fields = ("member__email", "member__last_name", "resource__name", "centre__name")
    date_hierarchy = "start"
    list_select_related = ("member", "resource", "centre")
    raw_id_fields = ("member", "booked_by", "resource", "centre", "series", "cancelled_by",
                     "checked_in_by")
    readonly_fields = [f.name for f in Booking._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BookingSeries)
class BookingSeriesAdmin(admin.ModelAdmin):
    list_display = ("id", "member", "centre", "kind", "slot", "conflict_policy", "created_at")
    list_filter = ("kind", "conflict_policy")
    raw_id_fields = ("member", "booked_by", "resource", "centre")
    readonly_fields = [f.name for f in BookingSeries._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("member", "created_at")
    raw_id_fields = ("member",)
    exclude = ("token",)

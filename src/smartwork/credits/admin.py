"""Admin: packages and plans are editable; money and minutes are read-only here (they
change only through the services, which keep the ledger)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartwork.credits.models import (
    Allotment,
    CreditAccount,
    CreditPackage,
    CreditPurchase,
    LedgerEntry,
    Membership,
    MembershipPlan,
    RoamingUsage,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CreditPackage)
class CreditPackageAdmin(admin.ModelAdmin):
    list_display = ("name", "network", "hours", "price_net", "vat_rate", "validity_months",
                    "is_active")
    list_filter = ("network", "is_active")


@admin.register(MembershipPlan)
class MembershipPlanAdmin(admin.ModelAdmin):
    list_display = ("name", "network", "centre", "monthly_fee_net", "included_minutes",
                    "is_active")
    list_filter = ("network", "is_active")


@admin.register(CreditPurchase)
class CreditPurchaseAdmin(ReadOnlyAdmin):
    list_display = ("company", "network", "minutes", "price_net", "purchased_on", "valid_until")
    list_filter = ("network",)
    search_fields = ("company__legal_name", "reference")


@admin.register(CreditAccount)
class CreditAccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "company", "member", "network", "valid_until",
                    "balance_minutes")
    list_filter = ("kind", "network")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "account", "reason", "amount_minutes", "balance_after",
                    "member", "centre", "booking")
    list_filter = ("reason",)
    list_select_related = ("account", "member", "centre", "booking")


@admin.register(Allotment)
class AllotmentAdmin(ReadOnlyAdmin):
    list_display = ("id", "company", "member", "team", "minutes_per_period", "period",
                    "at_period_end", "ended_at")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("member", "plan", "state", "starts_on", "ends_on")
    list_filter = ("state",)


@admin.register(RoamingUsage)
class RoamingUsageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "member", "centre", "home_network", "host_network", "minutes",
                    "value")

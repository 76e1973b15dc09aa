"""Admin: documents are read-only once issued (and settlements, payouts, clearing always);
changes go through the services (credit notes, payments), which keep the rules."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartwork.billing.models import (
    BankStatement,
    ClearingStatement,
    Invoice,
    InvoiceLine,
    InvoiceRun,
    InvoiceSequence,
    Payment,
    PayoutBatch,
    Settlement,
    SettlementLine,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    fields = ["position", "centre_name", "description", "quantity", "unit", "unit_price",
              "vat_rate", "vat_category", "line_net", "source_type", "source_id"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.state == "draft"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.state == "draft"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.state == "draft"


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "state", "customer_name", "issue_date", "due_date",
                    "total_gross", "amount_paid"]
    list_filter = ["kind", "state", "network"]
    search_fields = ["structured_communication", "customer_data__name"]
    inlines = [InvoiceLineInline]
    raw_id_fields = ["customer_organisation", "customer_member", "credited_invoice", "run"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or obj.state == "draft") and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or obj.state == "draft") and super().has_delete_permission(request, obj)


class SettlementLineInline(admin.TabularInline):
    model = SettlementLine
    fk_name = "settlement"
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = ["reference", "centre", "period_start", "state", "gross_value", "commission",
                    "payout_amount"]
    list_filter = ["state", "network"]
    inlines = [SettlementLineInline]


@admin.register(InvoiceSequence)
class InvoiceSequenceAdmin(ReadOnlyAdmin):
    list_display = ["issuer", "year", "last_number"]


@admin.register(InvoiceRun)
class InvoiceRunAdmin(ReadOnlyAdmin):
    list_display = ["network", "period_start", "state", "started_at", "customers_done",
                    "customers_total", "invoices_created"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["value_date", "amount", "currency", "method", "matched_by",
                    "counterparty_name", "invoice"]
    list_filter = ["method", "matched_by"]


@admin.register(BankStatement)
class BankStatementAdmin(ReadOnlyAdmin):
    list_display = ["account_iban", "statement_id", "entry_count", "imported_at"]


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnlyAdmin):
    list_display = ["message_id", "network", "period_start", "total", "transfer_count"]


@admin.register(ClearingStatement)
class ClearingStatementAdmin(ReadOnlyAdmin):
    list_display = ["alliance", "period_start", "period_end", "settlement_period",
                    "a_in_b_minutes", "a_in_b_late_minutes", "b_in_a_minutes",
                    "b_in_a_late_minutes", "a_owes_b", "b_owes_a", "net_amount", "debtor"]

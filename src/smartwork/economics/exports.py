"""The economics reports as tables, for CSV and XLSX (the writers of insights)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from smartwork.core.errors import InvalidInput
from smartwork.insights.exports import to_csv, to_xlsx

__all__ = ["centre_tables", "network_tables", "pick", "to_csv", "to_xlsx"]

Table = tuple[list[str], list[list[Any]]]
MONTH_COLUMNS = ["month", "credit", "roaming", "payg", "membership", "revenue", "commission",
                 "payout", "settled", "costs", "subsidies", "margin", "capacity_hours",
                 "booked_hours", "occupancy"]
CENTRE_COLUMNS = ["id", "name", "revenue", "commission", "payout", "costs", "margin", "desks",
                  "revenue_per_desk", "occupancy", "break_even_occupancy",
                  "costs_per_month_now", "months_of_data"]


def _rows(items: list[dict[str, Any]], columns: list[str]) -> Table:
    return columns, [[r.get(c) for c in columns] for r in items]


def centre_tables(data: dict[str, Any]) -> dict[str, Table]:
    summary = data["summary"]
    return {"months": _rows(data["months"], MONTH_COLUMNS),
            "summary": (["figure", "value"], [[k, v] for k, v in summary.items()])}


def network_tables(data: dict[str, Any]) -> dict[str, Table]:
    months = [{**m, "books_balanced": m.get("books", {}).get("balanced")} for m in data["months"]]
    return {
        "centres": _rows(data["centres"], CENTRE_COLUMNS),
        "months": _rows(months, ["month", "revenue", "commission", "payout", "costs", "margin",
                                 "network_margin", "invoiced", "credit_notes",
                                 "clearing_receivable", "clearing_payable", "books_balanced"]),
        "companies": _rows(data["companies"], ["id", "name", "invoiced", "share"]),
        "alliances": _rows(data["alliances"], ["id", "partner", "minutes_in", "minutes_out",
                                               "guest_value", "receivable", "payable",
                                               "clearing_net"]),
    }


def pick(tables: dict[str, Table], table: str | None) -> dict[str, Table]:
    if table is None:
        return tables
    if table not in tables:
        why = _("Unknown table %(t)r; choose one of: %(all)s.") % {
            "t": table, "all": ", ".join(tables)}
        raise InvalidInput(why, fields={"table": [why]})
    return {table: tables[table]}

"""CSV and XLSX exports of every table the insights pages show."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from smartwork.core.errors import InvalidInput

Table = tuple[list[str], list[list[Any]]]


def _rows(items: list[dict[str, Any]], columns: list[str]) -> Table:
    return columns, [[item.get(c) for c in columns] for item in items]


def attendance_tables(data: dict[str, Any]) -> dict[str, Table]:
    cols = ["name", "hours", "people", "visits"]
    tables = {
        "by_centre": _rows(data.get("by_centre") or [], cols),
        "by_team": _rows(data.get("by_team") or [], cols),
        "by_company": _rows(data.get("by_company") or [], cols),
        "by_week": _rows(data.get("by_week") or [], ["week", "hours", "people", "suppressed"]),
        "by_month": _rows(data.get("by_month") or [], ["month", "hours", "people", "suppressed"]),
        "weekday_hour": (["weekday", *[str(h) for h in range(24)]],
                         [[d, *row] for d, row in zip(
                             ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
                             data.get("weekday_hour") or [], strict=False)]),
    }
    if data.get("centres_by_company"):
        tables["centres_by_company"] = (["company", "centre", "hours", "people", "visits"], [
            [c["company"], r["name"], r["hours"], r["people"], r["visits"]]
            for c in data["centres_by_company"] for r in c["centres"]])
    if data.get("intervals") is not None:
        tables["intervals"] = _rows(data["intervals"], ["centre", "start", "end", "hours"])
    return tables


def occupancy_tables(data: dict[str, Any]) -> dict[str, Table]:
    return {
        "summary": _rows(data["summary"], ["centre", "kind", "bookings", "capacity_hours",
                                           "booked_hours", "checked_in_hours", "booked_share",
                                           "checked_in_share", "free_share", "no_shows",
                                           "no_show_rate"]),
        "by_slot": _rows(data["by_slot"], ["centre", "kind", "date", "slot", "capacity_hours",
                                           "booked_hours", "checked_in_hours", "booked_share",
                                           "checked_in_share", "free_share"]),
        "heatmap": _rows(data["heatmap"], ["weekday", "slot", "booked_share"]),
        "series": _rows(data["series"], ["date", "booked_share", "checked_in_share"]),
        "busiest_days": _rows(data["busiest_days"], ["date", "booked_share", "checked_in_share"]),
    }


def commute_tables(data: dict[str, Any]) -> dict[str, Table]:
    per = ["km_per_week", "hours_per_week", "kg_per_week", "km_per_year", "hours_per_year",
           "kg_per_year"]
    total = data.get("total") or {}
    return {
        "by_mode": _rows(data.get("by_mode") or [], ["mode", "label", "members", "factor", *per]),
        "total": _rows([total], ["members", *per]),
        "members": _rows(data.get("lines") or [], [
            "name", "mode", "centre", "centre_basis", "office_km", "centre_km", "distance_source",
            "days_per_week", *per]),
        "factors": _rows(data.get("factors") or [], ["mode", "label", "value", "unit", "source",
                                                     "url", "year"]),
    }


def placement_tables(data: dict[str, Any]) -> dict[str, Table]:
    return {"chosen": _rows(data["chosen"], ["name", "lat", "lon", "homes_served", "km_saved", "format"])}


def pick(tables: dict[str, Table], table: str | None) -> dict[str, Table]:
    if table is None:
        return tables
    if table not in tables:
        why = _("Unknown table %(t)r; choose one of: %(all)s.") % {
            "t": table, "all": ", ".join(tables)}
        raise InvalidInput(why, fields={"table": [why]})
    return {table: tables[table]}


def to_csv(table: Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(table[0])
    writer.writerows(table[1])
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(tables: dict[str, Table]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, (headers, rows) in tables.items():
        ws = wb.create_sheet(title=name[:31])
        ws.append(headers)
        for row in rows:
            ws.append([_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict | tuple | set):
        return str(value)
    return value


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_response(*, name: str, tables: dict[str, Table], fmt: str,
                    table: str | None) -> HttpResponse:
    """One table as CSV, or the chosen tables as one XLSX workbook, as a download (the
    exports of insights, economics and wellbeing)."""
    fmt = fmt.lower()
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(_("Format is csv or xlsx."), fields={"format": [_("Use csv or xlsx.")]})
    chosen = pick(tables, table)
    if fmt == "csv":
        if table is None:
            raise InvalidInput(_("CSV holds one table: give 'table'."),
                               fields={"table": [_("One of: %(t)s.") % {"t": ", ".join(tables)}]})
        body, ctype, filename = to_csv(chosen[table]), "text/csv; charset=utf-8", f"{name}-{table}.csv"
    else:
        body, ctype, filename = to_xlsx(chosen), XLSX_TYPE, f"{name}.xlsx"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

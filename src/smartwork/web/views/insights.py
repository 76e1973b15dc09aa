"""Figures with charts drawn on the server (SVG from insights.charts): the
network dashboard and a company's attendance."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from smartwork.billing import selectors as billing_selectors
from smartwork.core.errors import InvalidInput
from smartwork.insights import charts
from smartwork.insights import selectors as insight_selectors
from smartwork.insights.periods import parse_period
from smartwork.web.forms import ReportPeriodForm
from smartwork.web.views.company import _company, company_tabs
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page


def _period(request: HttpRequest) -> tuple[ReportPeriodForm, Any]:
    default = timezone.localdate().strftime("%Y-%m")
    form = ReportPeriodForm(request.GET or None, initial={"period": default})
    value = default
    if form.is_bound and form.is_valid():
        value = form.cleaned_data["period"] or default
    try:
        return form, parse_period(value)
    except InvalidInput as exc:
        apply_domain_error(form, exc)
        return form, parse_period(default)


def network_dashboard(request: AuthedRequest, network: Any) -> dict[str, Any]:
    """The operator's figures for a period: occupancy per centre and per day,
    bookings, what was invoiced."""
    form, period = _period(request)
    data = insight_selectors.occupancy_report(actor=request.user, period=period,
                                              network_id=network.pk)
    per_centre: dict[str, dict[str, float]] = {}
    bookings = 0
    for row in data["summary"]:
        agg = per_centre.setdefault(row["centre"], {"cap": 0.0, "booked": 0.0})
        agg["cap"] += row["capacity_hours"]
        agg["booked"] += row["booked_hours"]
        bookings += row["bookings"]
    names = sorted(per_centre)
    shares = [round(100 * per_centre[n]["booked"] / per_centre[n]["cap"], 1)
              if per_centre[n]["cap"] else None for n in names]
    centre_chart = charts.bar_chart(
        title=_("Desk and room occupancy per centre"),
        desc=_("One bar per centre: share of the open hours that were booked."),
        labels=names, values=shares, unit="%")
    series = data["series"]
    day_chart = charts.line_chart(
        title=_("Occupancy per day"),
        desc=_("Share of open hours booked and checked in, day by day."),
        labels=[date_format(_date(s["date"]), "j N") for s in series],
        series={_("booked"): [round(100 * s["booked_share"], 1) for s in series],
                _("checked in"): [round(100 * s["checked_in_share"], 1) for s in series]},
        unit="%") if series else ""
    heat_chart = _occupancy_heatmap(data["heatmap"])
    base = urlencode({"network": network.pk, "period": period.label})
    occupancy_downloads = [
        {"url": f"/api/v1/insights/occupancy/export?{base}&format=xlsx",
         "label": _("XLSX (all tables)")},
    ]
    invoiced = billing_selectors.invoices_for(user=request.user).filter(
        network=network, period_start__gte=period.first, period_start__lte=period.last,
    ).exclude(state="draft")
    revenue = sum((i.total_net for i in invoiced), start=0)
    return {"form": form, "period": period, "bookings": bookings,
            "occupancy": (round(100 * sum(v["booked"] for v in per_centre.values())
                                / sum(v["cap"] for v in per_centre.values()), 1)
                          if sum(v["cap"] for v in per_centre.values()) else None),
            "revenue": revenue, "invoice_count": invoiced.count(),
            "centre_chart": mark_safe(centre_chart),  # noqa: S308 - SVG built by insights.charts with escaped text
            "day_chart": mark_safe(day_chart),  # noqa: S308 - idem
            "heat_chart": mark_safe(heat_chart),  # noqa: S308 - idem
            "occupancy_downloads": occupancy_downloads,
            "busiest": data["busiest_days"]}


def _occupancy_heatmap(rows: list[dict[str, Any]]) -> str:
    """Weekday x slot booked share (%), from the occupancy report's heatmap rows."""
    from smartwork.bookings.choices import Slot

    if not rows:
        return ""
    slots = [Slot.MORNING, Slot.AFTERNOON]
    shares = {(r["weekday"], r["slot"]): r["booked_share"] for r in rows}
    weekdays = sorted({r["weekday"] for r in rows})
    return charts.heatmap(
        title=_("Occupancy by weekday and slot"),
        desc=_("Share of open hours booked, by weekday (rows) and slot (columns)."),
        row_labels=[charts.WEEKDAYS[d] for d in weekdays],
        col_labels=[str(slot.label) for slot in slots],
        matrix=[[round(100 * shares[(d, slot.value)], 1) if (d, slot.value) in shares else None
                 for slot in slots] for d in weekdays],
        unit="%", cell=60)


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


@login_required
@page
def company_attendance(request: AuthedRequest, company_id: int) -> HttpResponse:
    company = _company(request, company_id)
    form, period = _period(request)
    data = insight_selectors.attendance_report(actor=request.user, period=period,
                                               company_id=company.pk)
    chart = heat = ""
    if data.get("by_centre"):
        chart = charts.bar_chart(
            title=_("Presence hours per centre"),
            desc=_("One bar per centre: hours of presence of the company's staff."),
            labels=[r["name"] for r in data["by_centre"]],
            values=[r["hours"] for r in data["by_centre"]], unit="h")
    if data.get("weekday_hour"):
        heat = charts.attendance_heatmap(data["weekday_hour"],
                                         title=_("When the staff work at centres"))
    base = urlencode({"company": company.pk, "period": period.label})
    api = "/api/v1/insights/attendance/export"
    downloads = [
        {"url": f"{api}?{base}&format=csv&table=by_centre", "label": _("CSV (by centre)")},
        {"url": f"{api}?{base}&format=csv&table=weekday_hour",
         "label": _("CSV (weekday × hour)")},
        {"url": f"{api}?{base}&format=xlsx", "label": _("XLSX (all tables)")},
    ]
    return render(request, "web/company/attendance.html", {
        "company": company, "tabs": company_tabs(request, company), "form": form,
        "period": period, "data": data, "downloads": downloads,
        "chart": mark_safe(chart), "heat": mark_safe(heat)})  # noqa: S308 - server-built SVG

"""The commute study (company admin, operator, a member's own line) and the
operator's "where to open next" placement page, on top of the insights selectors."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartwork.core.errors import DomainError
from smartwork.insights import charts
from smartwork.insights import selectors as insight_selectors
from smartwork.network.choices import LabelStatus
from smartwork.network.models import Centre
from smartwork.web.views.centres import map_settings
from smartwork.web.views.company import _company, company_tabs
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page, require_page
from smartwork.web.views.insights import _period
from smartwork.web.views.staff import operator_network

API = "/api/v1/insights/commute"


def _chart(data: dict[str, Any]) -> str:
    rows = data.get("by_mode") or []
    if not rows:
        return ""
    return charts.bar_chart(
        title=_("CO2e avoided per year, by transport mode"),
        desc=_("One bar per transport mode: kg CO2e a year avoided by working at a centre."),
        labels=[str(r["label"]) for r in rows], values=[r["kg_per_year"] for r in rows],
        unit="kg")


def _downloads(scope: dict[str, Any]) -> list[dict[str, str]]:
    base = urlencode(scope)
    return [
        {"url": f"{API}/report.pdf?{base}", "label": _("PDF report")},
        {"url": f"{API}/export?{base}&format=csv&table=by_mode", "label": _("CSV (by mode)")},
        {"url": f"{API}/export?{base}&format=xlsx", "label": _("XLSX (all tables)")},
    ]


def _study(request: AuthedRequest, **scope: Any) -> dict[str, Any]:
    form, period = _period(request)
    raw = (request.GET.get("days_per_week") or "").strip().replace(",", ".")
    days: float | None = None
    days_error = ""
    if raw:
        try:
            days = float(raw)
            if not 0 < days <= 7:
                raise ValueError(raw)
        except ValueError:
            days, days_error = None, _("Days per week must be between 0 and 7.")
    data = insight_selectors.commute_study(actor=request.user, period=period,
                                           days_per_week=days, **scope)
    query = {("company" if k == "company_id" else "network"): v for k, v in scope.items()}
    if days is not None:
        query["days_per_week"] = days
    # Dates rather than the typed period: the links repeat exactly what is shown.
    query["from"] = period.first.isoformat()
    query["to"] = period.last.isoformat()
    return {"form": form, "period": period, "data": data, "days": raw, "days_error": days_error,
            "chart": mark_safe(_chart(data)),  # noqa: S308 - SVG built by insights.charts with escaped text
            "downloads": _downloads(query)}


@login_required
@page
def company_commute(request: AuthedRequest, company_id: int) -> HttpResponse:
    company = _company(request, company_id)
    return render(request, "web/insights/commute.html", {
        "company": company, "tabs": company_tabs(request, company),
        **_study(request, company_id=company.pk)})


@login_required
@page
def network_commute(request: AuthedRequest) -> HttpResponse:
    network = operator_network(request)
    require_page(request, "network.reports", network=network)
    return render(request, "web/insights/commute.html", {
        "network": network, **_study(request, network_id=network.pk)})


@login_required
@page
def my_commute(request: AuthedRequest) -> HttpResponse:
    form, period = _period(request)
    data = insight_selectors.my_commute(actor=request.user, period=period)
    return render(request, "web/insights/my_commute.html", {
        "form": form, "period": period, "data": data,
        "line": data["lines"][0] if data["lines"] else None,
        "excluded": data["excluded"][0] if data["excluded"] else None})


class PlacementForm(forms.Form):
    k = forms.IntegerField(label=gettext_lazy("New centres"), min_value=1, max_value=10,
                           initial=2)
    capacity = forms.FloatField(label=gettext_lazy("Capacity (homes per new centre)"),
                                required=False, min_value=1,
                                help_text=gettext_lazy("Leave empty for no limit."))


@login_required
@page
def placement(request: AuthedRequest) -> HttpResponse:
    network = operator_network(request)
    require_page(request, "network.reports", network=network)
    form = PlacementForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = insight_selectors.placement_run(
                actor=request.user, network_id=network.pk, k=form.cleaned_data["k"],
                capacity=form.cleaned_data["capacity"], time_limit_s=20)
        except DomainError as exc:
            apply_domain_error(form, exc)
    centres = Centre.objects.filter(network=network, label_status=LabelStatus.LABELLED)
    markers = [{"name": c.name, "lat": float(c.lat), "lon": float(c.lon), "city": c.city}
               for c in centres.order_by("name")]
    if result:
        result["gap_pct"] = None if result["gap"] is None else round(100 * result["gap"], 2)
        markers += [{"name": s["name"], "lat": s["lat"], "lon": s["lon"], "kind": "new",
                     "city": _("new site")} for s in result["chosen"]]
    return render(request, "web/insights/placement.html", {
        "network": network, "form": form, "result": result, "centres": centres,
        "markers": markers, "network_url": reverse("web:operator_home"), **map_settings()})

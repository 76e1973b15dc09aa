"""The economics pages: a network's figures per centre, a centre's months and costs.
Thin: parse, call a selector or a service, render (charts drawn on the server)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartwork.core.errors import DomainError, InvalidInput, NotFound
from smartwork.core.forms import id_from_text
from smartwork.core.permissions import roles_of
from smartwork.economics import alliances, selectors, services, whatif
from smartwork.economics.charts import diverging_bars
from smartwork.economics.forms import (
    AllianceForm,
    AllianceTermsForm,
    ClosingForm,
    CostForm,
    CostVersionForm,
    PricingForm,
    RangeForm,
    SiteForm,
)
from smartwork.insights import charts
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page, require_page
from smartwork.web.views.staff import operator_network


def _months(request: AuthedRequest, since: Any = None) -> tuple[RangeForm, list[Any]]:
    form = RangeForm(request.GET or None)
    first = last = None
    if form.is_bound and form.is_valid():
        first = form.cleaned_data["date_from"] or None
        last = form.cleaned_data["date_to"] or None
    try:
        return form, selectors.month_range(first=first, last=last, since=since)
    except InvalidInput as exc:
        apply_domain_error(form, exc, aliases={"from": "date_from", "to": "date_to"})
        return form, selectors.month_range(since=since)


def _downloads(api: str, months: list[Any], tables: list[tuple[str, str]]) -> list[dict[str, str]]:
    base = urlencode({"from": months[0].label, "to": months[-1].label})
    out = [{"url": f"{api}?{base}&format=csv&table={t}", "label": label} for t, label in tables]
    out.append({"url": f"{api}?{base}&format=xlsx", "label": _("XLSX (all tables)")})
    return out


def _svg(svg: str) -> str:
    return mark_safe(svg)  # noqa: S308 -- SVG built by the chart functions, text escaped


@login_required
@page
def economics_home(request: AuthedRequest) -> HttpResponse:
    roles = roles_of(request.user)
    if roles.operator_networks or roles.superuser:
        return redirect("economics:network")
    centres = selectors.centres_for(actor=request.user)
    if len(centres) == 1:
        return redirect("economics:centre", centre_id=centres[0].pk)
    require_page(request, "centre.economics", centre=centres[0] if centres else None)
    return render(request, "economics/home.html", {"centres": centres})


@login_required
@page
def network_page(request: AuthedRequest) -> HttpResponse:
    network = operator_network(request)
    require_page(request, "network.economics", network=network)
    form, months = _months(request, selectors.first_activity(network=network))
    data = selectors.network_economics(actor=request.user, network=network, months=months)
    centres = data["centres"]
    margin_chart = diverging_bars(
        title=_("Margin per centre"),
        desc=_("What each centre is paid less its costs, over the months shown: "
               "green earns, red loses."),
        labels=[c["name"] for c in centres], values=[c["margin"] for c in centres], unit="€")
    month_chart = charts.line_chart(
        title=_("Revenue and costs per month"),
        desc=_("Revenue of the centres, what they are paid, and their costs, month by month."),
        labels=[m["month"] for m in data["months"]],
        series={_("revenue"): [float(m["revenue"]) for m in data["months"]],
                _("paid to centres"): [float(m["payout"]) for m in data["months"]],
                _("costs"): [float(m["costs"]) for m in data["months"]]}, unit="€")
    downloads = _downloads(f"/api/v1/economics/networks/{network.pk}/export", months, [
        ("centres", _("CSV (centres)")), ("months", _("CSV (months)")),
        ("companies", _("CSV (companies)"))])
    return render(request, "economics/network.html", {
        "network": network, "form": form, "data": data, "totals": data["totals"],
        "margin_chart": _svg(margin_chart), "month_chart": _svg(month_chart),
        "downloads": downloads,
    })


@login_required
@page
def centre_page(request: AuthedRequest, centre_id: int) -> HttpResponse:
    centre = selectors.centre_get(actor=request.user, centre_id=centre_id)
    form, months = _months(request, selectors.first_activity(centre=centre))
    cost_form = CostForm(request.POST or None, prefix="cost")
    if request.method == "POST" and cost_form.is_valid():
        d = cost_form.cleaned_data
        try:
            services.cost_item_create(actor=request.user, centre=centre, kind=d["kind"],
                                      label=d["label"], basis=d["basis"], amount=d["amount"],
                                      starts_on=d["starts_on"], ends_on=d["ends_on"],
                                      note=d["note"])
        except DomainError as exc:
            apply_domain_error(cost_form, exc)
        else:
            messages.success(request, _("Cost added."))
            return redirect(request.get_full_path())
    data = selectors.centre_economics(actor=request.user, centre=centre, months=months)
    rows = data["months"]
    month_chart = charts.line_chart(
        title=_("Revenue, payout and costs per month"),
        desc=_("The centre's revenue, what it is paid, and its costs, month by month."),
        labels=[m["month"] for m in rows],
        series={_("revenue"): [float(m["revenue"]) for m in rows],
                _("paid to the centre"): [float(m["payout"]) for m in rows],
                _("costs"): [float(m["costs"]) for m in rows]}, unit="€")
    margin_chart = diverging_bars(
        title=_("Margin per month"), desc=_("What the centre is paid less its costs."),
        labels=[m["month"] for m in rows], values=[m["margin"] for m in rows], unit="€")
    costs = selectors.costs_of(actor=request.user, centre=centre)
    for c in costs:
        c["form"] = CostVersionForm(prefix=f"v{c['id']}", initial={
            "basis": c["versions"][-1]["basis"], "amount": c["versions"][-1]["amount"]})
    downloads = _downloads(f"/api/v1/economics/centres/{centre.pk}/export", months,
                           [("months", _("CSV (months)"))])
    return render(request, "economics/centre.html", {
        "centre": centre, "form": form, "data": data, "summary": data["summary"],
        "month_chart": _svg(month_chart), "margin_chart": _svg(margin_chart),
        "costs": costs, "cost_form": cost_form, "downloads": downloads,
        "is_operator": centre.network_id in roles_of(request.user).operator_networks,
    })


@login_required
@page
@require_POST
def cost_version_view(request: AuthedRequest, item_id: int) -> HttpResponse:
    item = selectors.cost_item_get(actor=request.user, item_id=item_id)
    form = CostVersionForm(request.POST, prefix=f"v{item.pk}")
    url = reverse("economics:centre", kwargs={"centre_id": item.centre_id})
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.cost_version_add(actor=request.user, item=item, basis=d["basis"],
                                      amount=d["amount"], starts_on=d["starts_on"],
                                      ends_on=d["ends_on"], note=d["note"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("New version of %(cost)s recorded.") % {"cost": item.label})
            return redirect(url)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, f"{item.label}: {error}")
    return redirect(url)


@login_required
@page
def whatif_page(request: AuthedRequest) -> HttpResponse:
    """Three what-ifs on one page: pricing, opening a site, closing a centre."""
    from smartwork.insights.towns import load_towns
    from smartwork.network.models import Centre

    network = operator_network(request)
    require_page(request, "network.economics", network=network)
    centres = list(Centre.objects.filter(network=network).order_by("name").values_list(
        "pk", "name"))
    towns = {t.name: t for t in load_towns()}
    which = request.POST.get("form") if request.method == "POST" else None
    pricing = PricingForm(request.POST if which == "pricing" else None, centres=centres,
                          prefix="p")
    site = SiteForm(request.POST if which == "site" else None,
                    towns=[(n, n) for n in sorted(towns)], prefix="s")
    closing = ClosingForm(request.POST if which == "closing" else None, centres=centres,
                          prefix="c")
    result: dict[str, Any] = {}
    try:
        if which == "pricing" and pricing.is_valid():
            d = pricing.cleaned_data
            result["pricing_result"] = whatif.whatif_pricing(
                actor=request.user, network=network, change=d["change"], months=d["months"],
                centre_id=d["centre_id"], resource_kind=d["resource_kind"] or None,
                change_pct=d["change_pct"], new_value=d["new_value"],
                elasticity=d["elasticity"])
        elif which == "site" and site.is_valid():
            d = site.cleaned_data
            town = towns.get(d["town"]) if d["town"] else None
            lat, lon = (town.lat, town.lon) if town else (d["lat"], d["lon"])
            result["site_result"] = whatif.whatif_site(
                actor=request.user, network=network, lat=lat, lon=lon, desks=d["desks"],
                monthly_costs=d["monthly_costs"], radius_km=d["radius_km"],
                days_per_week=d["days_per_week"], name=d["name"] or d["town"] or "")
        elif which == "closing" and closing.is_valid():
            d = closing.cleaned_data
            result["closing_result"] = whatif.whatif_closing(
                actor=request.user, network=network, centre_id=d["centre_id"],
                months=d["months"])
    except DomainError as exc:
        form = {"pricing": pricing, "site": site, "closing": closing}[which or "pricing"]
        apply_domain_error(form, exc)
    return render(request, "economics/whatif.html", {
        "network": network, "pricing": pricing, "site": site, "closing": closing,
        "which": which, **result,
    })


@login_required
@page
def alliances_page(request: AuthedRequest) -> HttpResponse:
    """The operator's alliances: terms, roaming each way, clearing; propose, accept, end."""
    from smartwork.network import services as network_services
    from smartwork.network.models import Alliance, Network

    network = operator_network(request)
    require_page(request, "alliance.manage", network=network)
    our_centres = alliances.centre_choices(network=network)
    form = AllianceForm(request.POST if request.POST.get("form") == "propose" else None,
                        networks=alliances.partner_choices(network=network),
                        centres=our_centres, initial={"starts_on": dt.date.today()})
    terms_errors: dict[int, AllianceTermsForm] = {}
    if request.method == "POST" and request.POST.get("form") == "terms":
        pk = request.POST.get("alliance", "")
        alliance = Alliance.objects.filter(
            Q(network_a=network) | Q(network_b=network),
            pk=id_from_text(pk) or 0).first()
        if alliance is None:
            raise NotFound(_("No such alliance."))
        terms = AllianceTermsForm(request.POST, centres=our_centres, prefix=f"t{alliance.pk}")
        if terms.is_valid():
            d = terms.cleaned_data
            # Our side names our centres; the ally's named centres stay as they are.
            theirs = [c.pk for c in alliance.open_centres.all() if c.network_id != network.pk]
            try:
                network_services.alliance_terms_set(
                    actor=request.user, alliance=alliance,
                    settlement_period=d["settlement_period"],
                    clearing_hour_rate=d["clearing_hour_rate"],
                    open_centre_ids=[*theirs, *d["open_centre_ids"]])
            except DomainError as exc:
                apply_domain_error(terms, exc)
            else:
                messages.success(request, _("The alliance's terms are saved."))
                return redirect("economics:alliances")
        terms_errors[alliance.pk] = terms
    if request.method == "POST" and request.POST.get("form") == "status":
        pk = request.POST.get("alliance", "")
        alliance = Alliance.objects.filter(
            Q(network_a=network) | Q(network_b=network),
            pk=id_from_text(pk) or 0).first()
        status = request.POST.get("status", "")
        if alliance is None:
            raise NotFound(_("No such alliance."))
        try:
            network_services.alliance_set_status(actor=request.user, alliance=alliance,
                                                 status=status)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Alliance with %(n)s: %(s)s.") % {
                "n": (alliance.network_b if alliance.network_a_id == network.pk
                      else alliance.network_a).name,
                "s": alliance.get_status_display()})
        return redirect("economics:alliances")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        other = Network.objects.filter(pk=d["other_network_id"]).first()
        try:
            if other is None:
                raise InvalidInput(_("No such network."),
                                   fields={"other_network_id": [_("Unknown network.")]})
            network_services.alliance_create(
                actor=request.user, network=network, other=other, starts_on=d["starts_on"],
                ends_on=d["ends_on"], clearing_hour_rate=d["clearing_hour_rate"],
                settlement_period=d["settlement_period"] or "monthly",
                open_centre_ids=d["open_centre_ids"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Alliance proposed to %(n)s.") % {"n": other.name})
            return redirect("economics:alliances")
    data = alliances.alliances_of(actor=request.user, network=network)
    for row in data["alliances"]:
        row["terms_form"] = terms_errors.get(row["id"]) or AllianceTermsForm(
            centres=our_centres, prefix=f"t{row['id']}", initial={
                "clearing_hour_rate": row["clearing_hour_rate"],
                "settlement_period": row["settlement_period"],
                "open_centre_ids": row["our_open_centre_ids"]})
    return render(request, "economics/alliances.html", {
        "network": network, "form": form, **data})

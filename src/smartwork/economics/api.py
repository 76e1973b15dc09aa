"""The economics API: per centre and per network, the costs and their history,
CSV/XLSX exports, and the what-ifs. Thin: parse, call a selector or service, return."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from smartwork.core.errors import NotAuthenticated
from smartwork.economics import exports, selectors, services, whatif
from smartwork.economics.schemas import (
    ClosingIn,
    CostIn,
    CostVersionIn,
    ExportQuery,
    PricingIn,
    RangeQuery,
    SiteIn,
)
from smartwork.insights import exports as insight_exports

router = Router(tags=["economics"])


def _user(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        raise NotAuthenticated(_("Log in first."))
    return request.user


def _export(name: str, tables: dict[str, Any], ex: ExportQuery) -> HttpResponse:
    return insight_exports.export_response(name=name, tables=tables, fmt=ex.format, table=ex.table)


def _centre_report(request: HttpRequest, centre_id: int, q: RangeQuery) -> dict[str, Any]:
    user = _user(request)
    centre = selectors.centre_get(actor=user, centre_id=centre_id)
    months = selectors.month_range(first=q.date_from, last=q.date_to,
                                   since=selectors.first_activity(centre=centre))
    return selectors.centre_economics(actor=user, centre=centre, months=months)


def _network_report(request: HttpRequest, network_id: int, q: RangeQuery) -> dict[str, Any]:
    user = _user(request)
    network = selectors.network_get(actor=user, network_id=network_id)
    months = selectors.month_range(first=q.date_from, last=q.date_to,
                                   since=selectors.first_activity(network=network))
    return selectors.network_economics(actor=user, network=network, months=months)


@router.get("/economics/centres/{centre_id}", summary="A centre's revenue, costs and margin")
def centre_report(request: HttpRequest, centre_id: int, q: Query[RangeQuery]) -> Any:
    return _centre_report(request, centre_id, q)


@router.get("/economics/centres/{centre_id}/export", summary="A centre's economics, CSV or XLSX")
def centre_export(request: HttpRequest, centre_id: int, q: Query[RangeQuery],
                  ex: Query[ExportQuery]) -> Any:
    data = _centre_report(request, centre_id, q)
    return _export(f"economics-centre-{centre_id}", exports.centre_tables(data), ex)


@router.get("/economics/networks/{network_id}", summary="A network's economics, per centre")
def network_report(request: HttpRequest, network_id: int, q: Query[RangeQuery]) -> Any:
    return _network_report(request, network_id, q)


@router.get("/economics/networks/{network_id}/export",
            summary="A network's economics, CSV or XLSX")
def network_export(request: HttpRequest, network_id: int, q: Query[RangeQuery],
                   ex: Query[ExportQuery]) -> Any:
    data = _network_report(request, network_id, q)
    return _export(f"economics-network-{network_id}", exports.network_tables(data), ex)


@router.get("/economics/centres/{centre_id}/costs", summary="A centre's costs with history")
def costs(request: HttpRequest, centre_id: int) -> Any:
    user = _user(request)
    centre = selectors.centre_get(actor=user, centre_id=centre_id)
    return {"items": selectors.costs_of(actor=user, centre=centre)}


@router.post("/economics/centres/{centre_id}/costs", response={201: Any},
             summary="A new cost of a centre (its first version)")
def cost_create(request: HttpRequest, centre_id: int, data: CostIn) -> Any:
    user = _user(request)
    centre = selectors.centre_get(actor=user, centre_id=centre_id)
    item = services.cost_item_create(actor=user, centre=centre, kind=data.kind, label=data.label,
                                     basis=data.basis, amount=data.amount,
                                     starts_on=data.starts_on, ends_on=data.ends_on,
                                     note=data.note)
    return Status(201, next(c for c in selectors.costs_of(actor=user, centre=centre) if c["id"] == item.pk))


@router.post("/economics/costs/{item_id}/versions", response={201: Any},
             summary="A new version of a cost from a month on (append-only)")
def cost_version(request: HttpRequest, item_id: int, data: CostVersionIn) -> Any:
    user = _user(request)
    item = selectors.cost_item_get(actor=user, item_id=item_id)
    services.cost_version_add(actor=user, item=item, basis=data.basis, amount=data.amount,
                              starts_on=data.starts_on, ends_on=data.ends_on, note=data.note)
    return Status(201, next(c for c in selectors.costs_of(actor=user, centre=item.centre)
                     if c["id"] == item.pk))


# --- what-ifs ------------------------------------------------------------------------


@router.post("/economics/networks/{network_id}/what-if/pricing",
             summary="A price, the credit-hour value or the commission changed, over real bookings")
def whatif_pricing(request: HttpRequest, network_id: int, data: PricingIn) -> Any:
    user = _user(request)
    network = selectors.network_get(actor=user, network_id=network_id)
    return whatif.whatif_pricing(actor=user, network=network, change=data.change,
                                 months=data.months, centre_id=data.centre_id,
                                 resource_kind=data.resource_kind, change_pct=data.change_pct,
                                 new_value=data.new_value, elasticity=data.elasticity)


@router.post("/economics/networks/{network_id}/what-if/site",
             summary="A proposed site: demand nearby, commute saved, break-even")
def whatif_site(request: HttpRequest, network_id: int, data: SiteIn) -> Any:
    user = _user(request)
    network = selectors.network_get(actor=user, network_id=network_id)
    return whatif.whatif_site(actor=user, network=network, lat=data.lat, lon=data.lon,
                              desks=data.desks, monthly_costs=data.monthly_costs,
                              radius_km=data.radius_km, days_per_week=data.days_per_week,
                              name=data.name)


@router.post("/economics/networks/{network_id}/what-if/closing",
             summary="A centre closed: where its members would go, what the network loses")
def whatif_closing(request: HttpRequest, network_id: int, data: ClosingIn) -> Any:
    user = _user(request)
    network = selectors.network_get(actor=user, network_id=network_id)
    return whatif.whatif_closing(actor=user, network=network, centre_id=data.centre_id,
                                 months=data.months)

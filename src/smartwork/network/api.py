
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from smartwork.accounts.models import Organisation
from smartwork.core.errors import InvalidInput
from smartwork.core.geo import parse_point
from smartwork.network import selectors, services
from smartwork.network.models import Alliance, Centre, Closure, Network, Resource
from smartwork.network.schemas import (
    AllianceIn,
    AllianceOut,
    AllianceStatusIn,
    AllianceTermsIn,
    CentreDetailOut,
    CentreIn,
    CentreOut,
    CentrePatch,
    ClosureIn,
    ClosureOut,
    HoursOut,
    HoursSetIn,
    InspectionIn,
    InspectionOut,
    LabelChangeIn,
    LabelEventOut,
    NetworkOut,
    NetworkPatch,
    PriceIn,
    PriceOut,
    ResourceIn,
    ResourceOut,
    ResourcePatch,
    VisibilityIn,
)

router = Router(tags=["network"])


# --- Networks -------------------------------------------------------------------


@router.get("/networks", response=list[NetworkOut], summary="Networks")
def network_list(request: HttpRequest) -> Any:
    return list(selectors.network_list())


@router.get("/networks/{network_id}", response=NetworkOut)
def network_detail(request: HttpRequest, network_id: int) -> Network:
    return selectors.network_get(network_id=network_id)


@router.patch("/networks/{network_id}", response=NetworkOut, summary="Edit network rules")
def network_update(request: HttpRequest, network_id: int, data: NetworkPatch) -> Network:
    network = selectors.network_get(network_id=network_id)
    return services.network_update(
        actor=request.user, network=network, **data.dict(exclude_unset=True)  # type: ignore[arg-type]
    )


@router.get("/networks/{network_id}/alliances", response=list[AllianceOut])
def alliance_list(request: HttpRequest, network_id: int) -> Any:
    from django.db.models import Q

    return list(Alliance.objects.filter(Q(network_a_id=network_id) | Q(network_b_id=network_id)))


@router.post("/networks/{network_id}/alliances", response={201: AllianceOut},
             summary="Propose an alliance with another network")
def alliance_create(request: HttpRequest, network_id: int, data: AllianceIn) -> Any:
    network = selectors.network_get(network_id=network_id)
    other = Network.objects.filter(pk=data.other_network_id).first()
    if other is None:
        raise InvalidInput(_("No such network."),
                           fields={"other_network_id": [_("Unknown network.")]})
    alliance = services.alliance_create(
        actor=request.user, network=network, other=other, starts_on=data.starts_on,  # type: ignore[arg-type]
        ends_on=data.ends_on, clearing_hour_rate=data.clearing_hour_rate,
        settlement_period=data.settlement_period, open_centre_ids=data.open_centre_ids,
    )
    return Status(201, alliance)


@router.post("/alliances/{alliance_id}/status", response=AllianceOut,
             summary="Accept (active) or end an alliance")
def alliance_status(request: HttpRequest, alliance_id: int, data: AllianceStatusIn) -> Alliance:
    alliance = get_object_or_404(Alliance, pk=alliance_id)
    return services.alliance_set_status(actor=request.user, alliance=alliance, status=data.status)  # type: ignore[arg-type]


# --- Centres --------------------------------------------------------------------


class CentreQuery(Schema):
    network: int | None = None
    label_status: str | None = None
    service: list[str] | None = Field(None, description="Repeat to require several services")
    city: str | None = None
    q: str | None = Field(None, description="Search in name and city")
    near: str | None = Field(None, description="lat,lon — sorts by distance", examples=["50.46,4.87"])
    within_km: float | None = Field(None, gt=0, le=1000)
    bookable: bool = Field(False, description="Only centres I may book (label and alliances)")
    format: str | None = Field(None, description="full, mini or hosted (company-hosted)")


@router.get("/centres", response=list[CentreOut], summary="Find centres")
@paginate(LimitOffsetPagination)
def centre_list(request: HttpRequest, filters: Query[CentreQuery]) -> Any:
    near = None
    if filters.near:
        try:
            near = parse_point(filters.near)
        except ValueError as exc:
            raise InvalidInput(str(exc), fields={"near": [str(exc)]}) from exc
    within = filters.within_km if filters.within_km is not None else (25.0 if near else None)
    return selectors.centre_list(filters=selectors.CentreFilters(
        network=filters.network, label_status=filters.label_status, service=filters.service,
        city=filters.city, q=filters.q, near=near, within_km=within,
        bookable_by=request.user if filters.bookable else None,  # type: ignore[arg-type]
        viewer=request.user, format=filters.format,
    ))


@router.get("/centres/{centre_id}", response=CentreDetailOut,
            summary="A centre with resources, prices, hours and closures")
def centre_detail(request: HttpRequest, centre_id: str) -> Centre:
    centre = selectors.centre_get(centre_id=centre_id, viewer=request.user)
    return selectors.centre_for_viewer(viewer=request.user, centre=centre)


def _organisation(organisation_id: int) -> Organisation:
    org = Organisation.objects.filter(pk=organisation_id).first()
    if org is None:
        raise InvalidInput(_("No such organisation."),
                           fields={"operator_id": [_("Unknown organisation.")]})
    return org


@router.post("/centres", response={201: CentreDetailOut}, summary="Create a centre (operator)")
def centre_create(request: HttpRequest, data: CentreIn) -> Any:
    payload = data.dict()
    network = Network.objects.filter(pk=payload.pop("network_id")).first()
    if network is None:
        raise InvalidInput(_("No such network."), fields={"network_id": [_("Unknown network.")]})
    operator = _organisation(payload.pop("operator_id"))
    host_id = payload.pop("host_company_id", None)
    host = None
    if host_id is not None:
        host = Organisation.objects.filter(pk=host_id).first()
        if host is None:
            raise InvalidInput(_("No such organisation."),
                               fields={"host_company_id": [_("Unknown organisation.")]})
    centre = services.centre_create(actor=request.user, network=network, operator=operator,  # type: ignore[arg-type]
                                    host_company=host, **payload)
    return Status(201, selectors.centre_get(centre_id=centre.pk))


@router.patch("/centres/{centre_id}", response=CentreDetailOut, summary="Edit a centre")
def centre_update(request: HttpRequest, centre_id: int, data: CentrePatch) -> Centre:
    centre = selectors.centre_get(centre_id=centre_id)
    services.centre_update(actor=request.user, centre=centre, **data.dict(exclude_unset=True))  # type: ignore[arg-type]
    return selectors.centre_get(centre_id=centre_id)


@router.post("/centres/{centre_id}/visibility", response=CentreDetailOut,
             summary="Who sees a company-hosted space (operator or the host's admin)")
def hosted_visibility_set(request: HttpRequest, centre_id: int, data: VisibilityIn) -> Any:
    centre = selectors.centre_get(centre_id=centre_id, viewer=request.user)
    services.hosted_visibility_set(actor=request.user, centre=centre,  # type: ignore[arg-type]
                                   visibility=data.visibility, partner_ids=data.partner_ids)
    return selectors.centre_get(centre_id=centre_id)


@router.put("/alliances/{alliance_id}/terms", response=AllianceOut,
            summary="Change an alliance's terms (either side's operator)")
def alliance_terms(request: HttpRequest, alliance_id: int, data: AllianceTermsIn) -> Any:
    alliance = get_object_or_404(Alliance, pk=alliance_id)
    return services.alliance_terms_set(
        actor=request.user, alliance=alliance, settlement_period=data.settlement_period,  # type: ignore[arg-type]
        clearing_hour_rate=data.clearing_hour_rate, open_centre_ids=data.open_centre_ids)


@router.put("/centres/{centre_id}/hours", response=list[HoursOut],
            summary="Replace the opening hours of the week")
def hours_set(request: HttpRequest, centre_id: int, data: HoursSetIn) -> Any:
    centre = selectors.centre_get(centre_id=centre_id)
    return services.opening_hours_set(
        actor=request.user, centre=centre,  # type: ignore[arg-type]
        intervals=[(h.weekday, h.opens, h.closes) for h in data.hours],
    )


@router.post("/centres/{centre_id}/closures", response={201: ClosureOut})
def closure_add(request: HttpRequest, centre_id: int, data: ClosureIn) -> Any:
    centre = selectors.centre_get(centre_id=centre_id)
    return Status(201, services.closure_add(actor=request.user, centre=centre, **data.dict()))  # type: ignore[arg-type]


@router.delete("/centres/{centre_id}/closures/{closure_id}", response={204: None})
def closure_remove(request: HttpRequest, centre_id: int, closure_id: int) -> Any:
    closure = get_object_or_404(Closure.objects.select_related("centre"), pk=closure_id,
                                centre_id=centre_id)
    services.closure_remove(actor=request.user, closure=closure)  # type: ignore[arg-type]
    return Status(204, None)


@router.get("/centres/{centre_id}/inspections", response=list[InspectionOut])
def inspection_list(request: HttpRequest, centre_id: int) -> Any:
    centre = selectors.centre_get(centre_id=centre_id)
    return list(selectors.inspection_list(actor=request.user, centre=centre))  # type: ignore[arg-type]


@router.post("/centres/{centre_id}/inspections", response={201: InspectionOut},
             summary="Record a label inspection (operator)")
def inspection_record(request: HttpRequest, centre_id: int, data: InspectionIn) -> Any:
    centre = selectors.centre_get(centre_id=centre_id)
    return Status(201, services.inspection_record(
        actor=request.user, centre=centre, visited_on=data.visited_on,  # type: ignore[arg-type]
        inspector_name=data.inspector_name,
        items={code: answer.dict() for code, answer in data.items.items()}, notes=data.notes,
    ))


@router.post("/centres/{centre_id}/label", response=LabelEventOut,
             summary="Change the label status (operator)")
def label_change(request: HttpRequest, centre_id: int, data: LabelChangeIn) -> Any:
    centre = selectors.centre_get(centre_id=centre_id)
    return services.centre_label_change(
        actor=request.user, centre=centre, to_status=data.status, reason=data.reason  # type: ignore[arg-type]
    )


# --- Resources and prices -------------------------------------------------------


@router.get("/centres/{centre_id}/resources", response=list[ResourceOut])
def resource_list(request: HttpRequest, centre_id: int, kind: str | None = None) -> Any:
    selectors.centre_get(centre_id=centre_id, viewer=request.user)
    qs = Resource.objects.filter(centre_id=centre_id).order_by("kind", "name")
    return list(qs.filter(kind=kind) if kind else qs)


@router.post("/centres/{centre_id}/resources", response={201: ResourceOut},
             summary="Add a resource (centre manager)")
def resource_create(request: HttpRequest, centre_id: int, data: ResourceIn) -> Any:
    centre = selectors.centre_get(centre_id=centre_id)
    return Status(201, services.resource_create(actor=request.user, centre=centre, **data.dict()))  # type: ignore[arg-type]


@router.patch("/resources/{resource_id}", response=ResourceOut, summary="Edit a resource")
def resource_update(request: HttpRequest, resource_id: int, data: ResourcePatch) -> Any:
    resource = get_object_or_404(Resource.objects.select_related("centre"), pk=resource_id)
    return services.resource_update(actor=request.user, resource=resource,  # type: ignore[arg-type]
                                    **data.dict(exclude_unset=True))


@router.get("/centres/{centre_id}/prices", response=list[PriceOut])
def price_list(request: HttpRequest, centre_id: int) -> Any:
    return list(selectors.centre_get(centre_id=centre_id, viewer=request.user).prices.all())


@router.post("/centres/{centre_id}/prices", response={201: PriceOut},
             summary="Set a price from a date (centre manager)")
def price_set(request: HttpRequest, centre_id: int, data: PriceIn) -> Any:
    centre = selectors.centre_get(centre_id=centre_id)
    return Status(201, services.price_set(actor=request.user, centre=centre, **data.dict()))  # type: ignore[arg-type]

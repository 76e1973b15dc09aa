"""Floor plans through the API (docs/bookings.md, "Floor plans"): the same services and
selectors as the pages (`floorplans.py`), the same permissions (`centre.resources` to
change; the plans of a centre visible to whoever sees the centre's plans on the site).

A plan or centre the caller may not see answers 404; a change they may not make, 403.
Uploads are multipart (`image`, `name`, `level`); the image is checked by
`floorplan_upload` exactly as on the page (format by content, size, SVG without active
content)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from smartwork.bookings import floorplans
from smartwork.bookings.models import FloorPlan
from smartwork.core.idempotency import IDEMPOTENCY_OPENAPI

router = Router(tags=["floor plans"])

ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict, 413: dict, 422: dict}


class PlaceOut(Schema):
    resource_id: int
    name: str
    kind: str
    capacity: int
    equipment: list[str]
    is_active: bool
    x: float = Field(..., description="Percent of the plan's width, from the left")
    y: float = Field(..., description="Percent of the plan's height, from the top")


class FloorPlanOut(Schema):
    id: int
    centre_id: int
    name: str
    level: int = Field(..., description="The floor: 0 for the ground floor")
    format: str = Field(..., description="image/svg+xml or image/png")
    width: int
    height: int
    image_url: str = Field(..., description="The drawing (GET, same authentication)")
    updated_at: dt.datetime
    places: list[PlaceOut]


class PlaceIn(Schema):
    x: float = Field(..., ge=0, le=100, description="Percent of the plan's width, from the left")
    y: float = Field(..., ge=0, le=100, description="Percent of the plan's height, from the top")


class TimeRangeOut(Schema):
    start: dt.time
    end: dt.time


class PlaceAvailabilityOut(Schema):
    resource_id: int
    name: str
    kind: str
    capacity: int
    equipment: list[str]
    x: float
    y: float
    free: bool = Field(..., description="A desk or office: free for the slot; a room: has "
                                        "free time that day (see `ranges`)")
    bookable: bool = Field(..., description="Free, the centre open, and nothing refuses the "
                                            "caller's desk booking that day (see `blocker`)")
    ranges: list[TimeRangeOut] = Field(..., description="A room's free times that day")
    span: TimeRangeOut | None = Field(..., description="A desk's slot, local times")


class FloorPlanAvailabilityOut(Schema):
    floor_plan_id: int
    date: dt.date
    slot: str
    open: bool
    reason: str = Field(..., description="Why the centre is closed that day, if it is")
    free: int = Field(..., description="How many places are free")
    blocker: str = Field(..., description="What refuses the caller any desk that day, or ''")
    places: list[PlaceAvailabilityOut]


class AvailabilityQuery(Schema):
    date: dt.date
    slot: str = Field(..., description="morning, afternoon or full_day",
                      examples=["full_day"])


def _image_url(plan: FloorPlan) -> str:
    return (f"{settings.SMARTWORK['BASE_URL'].rstrip('/')}/api/v1/floor-plans/{plan.pk}"
            "/image")


def _out(floor: dict[str, Any]) -> dict[str, Any]:
    plan = floor["plan"]
    return {"id": plan.pk, "centre_id": plan.centre_id, "name": plan.name, "level": plan.level,
            "format": plan.content_type, "width": plan.width, "height": plan.height,
            "image_url": _image_url(plan), "updated_at": plan.updated_at,
            "places": floor["places"]}


def _one(plan: FloorPlan) -> dict[str, Any]:
    return _out(floorplans.floorplan_floors(centre=plan.centre, plan=plan)[0])


def _read(image: UploadedFile | None) -> bytes:
    """At most one byte past the limit: enough for floorplan_upload to refuse it."""
    return bytes(image.read(floorplans.MAX_PLAN_BYTES + 1)) if image is not None else b""


@router.get("/centres/{centre_id}/floor-plans", response={200: list[FloorPlanOut], **ERRORS},
            summary="A centre's floor plans with the places on each")
def floor_plan_list(request: HttpRequest, centre_id: int) -> Any:
    centre = floorplans.floorplan_centre_get(viewer=request.user, centre_id=centre_id)
    return [_out(f) for f in floorplans.floorplan_floors(centre=centre)]


@router.post("/centres/{centre_id}/floor-plans", response={201: FloorPlanOut, **ERRORS},
             openapi_extra=IDEMPOTENCY_OPENAPI,
             summary="Upload the plan of a floor (centre manager, operator)",
             description="Multipart: `image` (SVG or PNG, at most 2 MB; checked by its "
                         "content), `name`, `level` (-5 to 200, one plan per floor). 422 "
                         "`invalid_floor_plan` on the field `image` for a file that is not "
                         "a plain drawing, `floor_has_plan` when the floor has one.")
def floor_plan_create(request: HttpRequest, centre_id: int, name: Form[str] = "",
                      level: Form[int] = 0, image: File[UploadedFile | None] = None) -> Any:
    centre = floorplans.floorplan_centre_get(viewer=request.user, centre_id=centre_id)
    plan = floorplans.floorplan_upload(actor=request.user, centre=centre, name=name,
                                       level=level, data=_read(image))
    return Status(201, _one(plan))


@router.get("/floor-plans/{floor_plan_id}", response={200: FloorPlanOut, **ERRORS},
            summary="One floor plan with its places")
def floor_plan_detail(request: HttpRequest, floor_plan_id: int) -> Any:
    return _one(floorplans.floorplan_get_visible(viewer=request.user, plan_id=floor_plan_id))


@router.get("/floor-plans/{floor_plan_id}/image", summary="The plan's drawing",
            description="The SVG or PNG itself, served as an image only (a sandboxing "
                        "Content-Security-Policy, no sniffing).")
def floor_plan_image(request: HttpRequest, floor_plan_id: int) -> HttpResponse:
    plan = floorplans.floorplan_get_visible(viewer=request.user, plan_id=floor_plan_id,
                                            with_image=True)
    return floorplans.floorplan_image_response(plan=plan)


@router.post("/floor-plans/{floor_plan_id}/image", response={200: FloorPlanOut, **ERRORS},
             openapi_extra=IDEMPOTENCY_OPENAPI,
             summary="Replace the plan's drawing (centre manager, operator)",
             description="Multipart, as the upload; `name` and `level` keep their values "
                         "when left out. The places stay where they were (in percent).")
def floor_plan_replace(request: HttpRequest, floor_plan_id: int, name: Form[str] = "",
                       level: Form[int | None] = None,
                       image: File[UploadedFile | None] = None) -> Any:
    plan = floorplans.floorplan_get_visible(viewer=request.user, plan_id=floor_plan_id)
    plan = floorplans.floorplan_upload(
        actor=request.user, centre=plan.centre, plan=plan, name=name or plan.name,
        level=plan.level if level is None else level, data=_read(image))
    return _one(plan)


@router.delete("/floor-plans/{floor_plan_id}", response={204: None, **ERRORS},
               summary="Delete a floor plan and its places (centre manager, operator)")
def floor_plan_delete(request: HttpRequest, floor_plan_id: int) -> Any:
    plan = floorplans.floorplan_get_visible(viewer=request.user, plan_id=floor_plan_id)
    floorplans.floorplan_delete(actor=request.user, plan=plan)
    return Status(204, None)


@router.put("/floor-plans/{floor_plan_id}/places/{resource_id}",
            response={200: FloorPlanOut, **ERRORS},
            summary="Place or move a desk or room on the plan (centre manager, operator)",
            description="x and y in percent of the plan (0 to 100). A resource sits on one "
                        "plan at most: placing it here takes it off another. 422 "
                        "`unknown_resource` for a resource that is not the centre's.")
def floor_plan_place(request: HttpRequest, floor_plan_id: int, resource_id: int,
                     data: PlaceIn) -> Any:
    plan = floorplans.floorplan_get_visible(viewer=request.user, plan_id=floor_plan_id)
    floorplans.floorplan_place(actor=request.user, plan=plan,
                               positions={resource_id: (data.x, data.y)})
    return _one(plan)


@router.delete("/floor-plans/{floor_plan_id}/places/{resource_id}",
               response={200: FloorPlanOut, **ERRORS},
               summary="Take a desk or room off the plan (centre manager, operator)")
def floor_plan_unplace(request: HttpRequest, floor_plan_id: int, resource_id: int) -> Any:
    plan = floorplans.floorplan_get_visible(viewer=request.user, plan_id=floor_plan_id)
    floorplans.floorplan_place(actor=request.user, plan=plan, positions={resource_id: None})
    return _one(plan)


@router.get("/floor-plans/{floor_plan_id}/availability",
            response={200: FloorPlanAvailabilityOut, **ERRORS},
            summary="Free and taken places of the plan for a date and desk slot",
            description="The plan page's figures: desks and offices for the slot, rooms "
                        "with their free times that day.")
def floor_plan_availability(request: HttpRequest, floor_plan_id: int,
                            q: Query[AvailabilityQuery]) -> Any:
    plan = floorplans.floorplan_get_visible(viewer=request.user, plan_id=floor_plan_id)
    view = floorplans.floorplan_availability(plan=plan, on=q.date, slot=q.slot,
                                             member=request.user)
    places = [{
        "resource_id": p["id"], "name": p["name"], "kind": p["kind"],
        "capacity": p["capacity"], "equipment": p["equipment"], "x": p["x"], "y": p["y"],
        "free": p["free"], "bookable": p["bookable"],
        "ranges": [{"start": s, "end": e} for s, e in p["ranges"]],
        "span": {"start": p["span"][0], "end": p["span"][1]} if p["span"] else None,
    } for p in view["places"]]
    return {"floor_plan_id": plan.pk, "date": view["date"], "slot": view["slot"],
            "open": view["open"], "reason": str(view["reason"] or ""), "free": view["free"],
            "blocker": view["blocker"], "places": places}

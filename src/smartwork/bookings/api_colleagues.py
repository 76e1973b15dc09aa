"""Colleagues booked in a centre on a day (issue #20 §4): parse, call the selector, return."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from smartwork.bookings import colleagues
from smartwork.network import selectors as network_selectors

router = Router(tags=["bookings"])

ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 422: dict}


class ColleaguesQuery(Schema):
    on: dt.date = Field(..., description="The centre's local date (YYYY-MM-DD)")
    slot: str | None = Field(None, description="Only bookings overlapping this slot "
                             "(morning, afternoon, full_day)")


class DeskOut(Schema):
    id: int
    name: str
    plan_id: int | None = None
    x: Decimal | None = None
    y: Decimal | None = None


class NextToOut(Schema):
    desk_id: int | None = Field(None, description="None: no desk is free for that slot")
    desk_name: str
    slot: str
    reason: str


class ColleagueOut(Schema):
    name: str
    slot: str
    desk: DeskOut
    next_to: NextToOut


@router.get("/centres/{centre_id}/colleagues", response={200: list[ColleagueOut], **ERRORS},
            summary="Colleagues of your company booked in a centre on a day (those who allow "
                    "it), with their desk and the free desk next to them")
def centre_colleagues(request: HttpRequest, centre_id: int, q: Query[ColleaguesQuery]) -> Any:
    centre = network_selectors.centre_get(centre_id=centre_id, viewer=request.user)
    here = colleagues.colleagues_booked_at(viewer=request.user, centre=centre, on=q.on,
                                           slot=q.slot)
    offers = colleagues.desks_next_to(centre=centre, on=q.on, colleagues=here, slot=q.slot)
    return [{"name": o.colleague.name, "slot": o.colleague.slot,
             "desk": {"id": o.colleague.resource_id, "name": o.colleague.resource_name,
                      "plan_id": o.colleague.plan_id, "x": o.colleague.x, "y": o.colleague.y},
             "next_to": {"desk_id": o.resource_id, "desk_name": o.resource_name,
                         "slot": o.slot, "reason": o.reason}}
            for o in offers]

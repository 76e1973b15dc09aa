"""The member's favourite centres and places: /me/favourites (issue #20 §4). Parse, call
one service or selector, return; only the caller's own favourites exist here."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from smartwork.bookings import favourite_selectors, favourites
from smartwork.bookings.models import Favourite

router = Router(tags=["favourites"])

ERRORS: dict[int, Any] = {401: dict, 403: dict, 404: dict, 422: dict}


class FavouriteIn(Schema):
    centre_id: int | None = Field(None, description="Mark a centre; or give resource_id.")
    resource_id: int | None = Field(None, description="Mark one desk or room.")

    model_config = {"json_schema_extra": {"examples": [{"centre_id": 3}, {"resource_id": 12}]}}


class FavouriteTarget(Schema):
    centre_id: int | None = Field(None, description="Unmark a centre (its places stay).")
    resource_id: int | None = Field(None, description="Unmark one desk or room.")


class FavouriteOut(Schema):
    id: int
    kind: Literal["centre", "resource"]
    centre_id: int
    centre_name: str
    centre_slug: str
    resource_id: int | None
    resource_name: str | None
    resource_kind: str | None
    created_at: dt.datetime


def _out(row: Favourite) -> dict[str, Any]:
    return {"id": row.pk, "kind": "centre" if row.resource_id is None else "resource",
            "centre_id": row.centre_id, "centre_name": row.centre.name,
            "centre_slug": row.centre.slug, "resource_id": row.resource_id,
            "resource_name": row.resource.name if row.resource else None,
            "resource_kind": row.resource.kind if row.resource else None,
            "created_at": row.created_at}


@router.get("/me/favourites", response={200: list[FavouriteOut], **ERRORS},
            summary="My favourite centres and places",
            description="Only your own favourites; nobody else can read them.")
def favourite_list(request: HttpRequest) -> Any:
    return [_out(row) for row in favourite_selectors.favourite_list(member=request.user)]  # type: ignore[arg-type]


@router.post("/me/favourites", response={200: FavouriteOut, 201: FavouriteOut, **ERRORS},
             summary="Mark a centre or a desk or room as favourite",
             description="Give `centre_id` or `resource_id`. 201 when marked now, 200 when "
                         "it already was. 404 `unknown_centre` / `unknown_resource` for what "
                         "you may not book (another network's centre, a hosted space you "
                         "may not see, a place out of service); 422 `favourite_target` "
                         "with both or neither.")
def favourite_add(request: HttpRequest, data: FavouriteIn) -> Any:
    row, created = favourites.favourite_add(member=request.user, centre_id=data.centre_id,  # type: ignore[arg-type]
                                            resource_id=data.resource_id)
    return Status(201 if created else 200, _out(row))


@router.delete("/me/favourites", response={204: None, **ERRORS},
               summary="Unmark a centre or a desk or room",
               description="`?centre_id=` or `?resource_id=`. 404 `not_favourite` when it is "
                           "not one of your favourites.")
def favourite_remove(request: HttpRequest, target: Query[FavouriteTarget]) -> Any:
    favourites.favourite_remove(member=request.user, centre_id=target.centre_id,  # type: ignore[arg-type]
                                resource_id=target.resource_id)
    return Status(204, None)

"""Favourite centres and places (issue #20 §4): reads, always of one member's own rows,
and what their favourites offer on a day (counted from bookings, like every
availability)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from smartwork.accounts.models import User
from smartwork.bookings.choices import Slot
from smartwork.bookings.models import Favourite
from smartwork.bookings.selectors import availability_for_centre
from smartwork.core.errors import DomainError
from smartwork.network.choices import RANGE_KINDS, SLOT_KINDS, ResourceKind
from smartwork.network.models import Centre, Resource
from smartwork.network.selectors import member_may_book_at


def favourite_list(*, member: User) -> QuerySet[Favourite]:
    """The member's favourites, centre by centre (the centre's own mark first)."""
    return (Favourite.objects.filter(member=member)
            .select_related("centre", "resource")
            # NULLs sort first on SQLite and last on PostgreSQL: say which.
            .order_by("centre__name", "centre_id", F("resource__name").asc(nulls_first=True),
                      "id"))


def favourite_marks(*, member: User) -> tuple[set[int], set[int]]:
    """The ids of the centres and of the places the member marked (for the stars)."""
    centres: set[int] = set()
    places: set[int] = set()
    for centre_id, resource_id in Favourite.objects.filter(member=member).values_list(
            "centre_id", "resource_id"):
        if resource_id is None:
            centres.add(centre_id)
        else:
            places.add(resource_id)
    return centres, places


def favourite_centre_ids(*, member: User) -> set[int]:
    """Every centre the member marked, itself or through one of its places."""
    return set(Favourite.objects.filter(member=member).values_list("centre_id", flat=True))


@dataclass
class FavouritePlace:
    resource: Resource
    # Desks and offices: free for the slot (None when the centre takes no booking then);
    # rooms: their free local time ranges that day.
    free: bool | None = None
    ranges: list[tuple[dt.time, dt.time]] = field(default_factory=list)

    @property
    def is_room(self) -> bool:
        return self.resource.kind in RANGE_KINDS


@dataclass
class FavouriteCentre:
    centre: Centre
    marked: bool  # the centre itself, not only places of it
    bookable: bool
    open: bool = False
    reason: str = ""
    free_desks: int | None = None
    places: list[FavouritePlace] = field(default_factory=list)


def favourites_on(*, member: User, on: dt.date, slot: str = Slot.FULL_DAY,
                  centre_ids: set[int] | None = None) -> list[FavouriteCentre]:
    """The member's favourite centres with what they offer on `on` for `slot`: free
    desks, whether each marked desk is free, each marked room's free ranges. A centre
    the member may no longer book (label withdrawn, alliance ended) is listed, not
    offered. `centre_ids` limits it to some centres (a finder page)."""
    rows = list(favourite_list(member=member))
    grouped: dict[int, FavouriteCentre] = {}
    for row in rows:
        if centre_ids is not None and row.centre_id not in centre_ids:
            continue
        entry = grouped.get(row.centre_id)
        if entry is None:
            entry = grouped[row.centre_id] = FavouriteCentre(
                centre=row.centre, marked=False,
                bookable=member_may_book_at(member=member, centre=row.centre,
                                            on=timezone.localdate()))
        if row.resource is None:
            entry.marked = True
        elif row.resource.is_active:
            entry.places.append(FavouritePlace(resource=row.resource))
    for entry in grouped.values():
        if entry.bookable:
            _fill_day(entry, on, slot)
    return list(grouped.values())


def _fill_day(entry: FavouriteCentre, on: dt.date, slot: str) -> None:
    try:
        data = availability_for_centre(centre=entry.centre, date_from=on)
    except DomainError as exc:
        entry.reason = exc.message
        return
    day: dict[str, Any] = data["days"][0] if data["days"] else {}
    entry.open, entry.reason = bool(day.get("open")), str(day.get("reason") or "")
    if not entry.open:
        return
    by_id = {r["id"]: r for r in data["resources"]}
    entry.free_desks = sum(1 for r in data["resources"] if r["kind"] == ResourceKind.DESK
                           for s in r["slots"] if s["slot"] == slot and s["free"])
    for place in entry.places:
        row = by_id.get(place.resource.pk)
        if row is None:
            continue
        if place.resource.kind in SLOT_KINDS:
            slots = [s for s in row["slots"] if s["slot"] == slot]
            place.free = bool(slots and slots[0]["free"]) if slots else None
        else:
            place.ranges = [(s["start"], s["end"]) for s in row["slots"] if s["free"]]

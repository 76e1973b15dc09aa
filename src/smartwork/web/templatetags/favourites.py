"""Favourites and 'book again' on any page (issue #20 §4), as small tags so that the
pages they sit on (home, finder, centre, my bookings) only gain one line each:

- `{% favourite_star centre_or_resource %}`: the star toggle (a member's own marks,
  read once per request); `bookable=True` when the page already offers only what the
  member may book (the finder), else the tag asks once per centre.
- `{% favourite_places centre on slot %}`: the member's marked places of a centre with
  whether each is free that day, and a Book button for each free desk.
- `{% favourites_card %}` and `{% book_again_card %}`: the home page's sections.
- `{% book_again_form booking %}`: a date and a 'Book again' button.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from smartwork.bookings import favourite_selectors
from smartwork.bookings.book_again import next_open_day, recent_past_bookings
from smartwork.bookings.selectors import member_booking_blocker
from smartwork.network.models import Centre, Resource
from smartwork.network.selectors import member_may_book_at
from smartwork.web.favourite_forms import BookAgainForm

register = template.Library()


def _member(context: Any) -> Any:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.network_id is None:
        return None
    return user


def _marks(request: Any) -> tuple[set[int], set[int]]:
    marks = getattr(request, "_favourite_marks", None)
    if marks is None:
        marks = favourite_selectors.favourite_marks(member=request.user)
        request._favourite_marks = marks
    return marks


def _place_centres(request: Any) -> set[int]:
    """The centres where the member marked a place (a finder card asks for nothing more
    when its centre is not one)."""
    ids = getattr(request, "_favourite_place_centres", None)
    if ids is None:
        ids = request._favourite_place_centres = {
            row.centre_id for row in favourite_selectors.favourite_list(member=request.user)
            if row.resource_id is not None}
    return set(ids)


def _may_mark(request: Any, centre: Centre) -> bool:
    cache = getattr(request, "_favourite_bookable", None)
    if cache is None:
        cache = request._favourite_bookable = {}
    if centre.pk not in cache:
        cache[centre.pk] = member_may_book_at(member=request.user, centre=centre,
                                              on=timezone.localdate())
    return bool(cache[centre.pk])


@register.inclusion_tag("web/favourites/star.html", takes_context=True)
def favourite_star(context: Any, target: Centre | Resource, bookable: bool = False) -> Any:
    member = _member(context)
    if member is None:
        return {"star": None}
    request = context["request"]
    centre = target if isinstance(target, Centre) else target.centre
    if not bookable and not _may_mark(request, centre):
        return {"star": None}
    centres, places = _marks(request)
    kind = "centre" if isinstance(target, Centre) else "resource"
    on = target.pk in (centres if kind == "centre" else places)
    return {"star": {"kind": kind, "id": target.pk, "on": on, "name": target.name,
                     "next": request.get_full_path()},
            "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("web/favourites/places.html", takes_context=True)
def favourite_places(context: Any, centre: Centre, on: dt.date, slot: str) -> Any:
    member = _member(context)
    if member is None or centre.pk not in _place_centres(context["request"]):
        return {"entry": None}
    found = favourite_selectors.favourites_on(member=member, on=on, slot=slot,
                                              centre_ids={centre.pk})
    entry = found[0] if found and found[0].places else None
    return {"entry": entry, "on": on, "slot": slot, "blocker": context.get("blocker"),
            "request": context["request"]}


@register.inclusion_tag("web/favourites/home_card.html", takes_context=True)
def favourites_card(context: Any) -> Any:
    member = _member(context)
    if member is None:
        return {"show": False}
    from smartwork.web.views.bookings import next_working_day

    on = next_working_day()
    entries = favourite_selectors.favourites_on(member=member, on=on, slot="full_day")
    blocker = member_booking_blocker(member=member, on=on, slot="full_day")
    return {"show": True, "entries": entries, "on": on, "slot": "full_day",
            "blocker": blocker, "request": context["request"]}


@register.inclusion_tag("web/favourites/again_card.html", takes_context=True)
def book_again_card(context: Any) -> Any:
    member = _member(context)
    if member is None:
        return {"bookings": []}
    return {"bookings": recent_past_bookings(member=member),
            "request": context["request"]}


@register.inclusion_tag("web/favourites/again_form.html", takes_context=True)
def book_again_form(context: Any, booking: Any) -> Any:
    request = context["request"]
    cache = getattr(request, "_next_open_days", None)
    if cache is None:
        cache = request._next_open_days = {}
    if booking.centre_id not in cache:
        cache[booking.centre_id] = next_open_day(centre=booking.centre,
                                                 after=timezone.localdate())
    form = BookAgainForm(initial={"date": cache[booking.centre_id]},
                         auto_id=f"again-{booking.pk}-%s")
    return {"form": form, "booking": booking, "next": request.get_full_path()}

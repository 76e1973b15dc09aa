"""Colleagues (issue #20 §4): a member sees which colleagues of their company are booked
in a centre on a day, with their desk, and books the free desk next to them.

Privacy: a person is shown only when they said so (`ColleagueSharing.show_bookings`, off
by default), only to the other active employees of the same company, and only their
desk bookings (desk or private office: a working place; never a meeting room) that are
confirmed, checked in or completed. A company admin sees here what any employee sees;
the operator, centre staff and members of other companies see nothing.

"Next to them": the free desk nearest to the colleague's desk on the floor plan (the
distance between the placed markers, in the plan's own proportions; same floor only),
else, when the colleague's desk is on no plan or their floor has no free desk, the
first free desk of the centre by name (the order the engine's "any desk" tries).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from smartwork.bookings import selectors
from smartwork.bookings.choices import DAY_SLOTS, BookingState, Slot
from smartwork.bookings.models import Booking, ColleagueSharing, PlacePosition
from smartwork.bookings.slots import zone
from smartwork.core.audit import audit_log
from smartwork.core.errors import DomainError, Forbidden, InvalidInput, NotAuthenticated
from smartwork.network.choices import SLOT_KINDS, ResourceKind

# A booking that stands: not waiting for approval, not cancelled, not a no-show.
SHOWN_STATES = (BookingState.CONFIRMED, BookingState.CHECKED_IN, BookingState.COMPLETED)


def _overlapping(slot: str) -> list[str]:
    """The booked slots that share time with `slot` (as `member_booking_blocker`)."""
    if slot == Slot.FULL_DAY:
        return [Slot.MORNING, Slot.AFTERNOON, Slot.FULL_DAY]
    return [slot, Slot.FULL_DAY]


# --- The choice ------------------------------------------------------------------------


def colleague_sharing_get(*, member: Any) -> bool:
    row = ColleagueSharing.objects.filter(member_id=member.pk).first()
    return bool(row and row.show_bookings)


def colleague_sharing_set(*, member: Any, show: bool) -> bool:
    """The member's own choice; the audit entry has no network (no operator reads it)."""
    if member is None or not getattr(member, "is_authenticated", False):
        raise NotAuthenticated(_("Log in first."))
    if not member.company_id:
        raise Forbidden(_("Only a company's employees have colleagues to show bookings to."),
                        code="not_employee")
    row, _created = ColleagueSharing.objects.update_or_create(
        member=member, defaults={"show_bookings": bool(show)})
    audit_log(actor=member, action="colleague_sharing.changed", obj=row,
              data={"show_bookings": row.show_bookings})
    return row.show_bookings


# --- Who is there ------------------------------------------------------------------------


@dataclass(frozen=True)
class ColleagueHere:
    """One colleague's desk booking in a centre on a day."""

    member_id: int
    name: str
    centre_id: int
    slot: str
    resource_id: int
    resource_name: str
    plan_id: int | None = None  # the floor plan their desk is placed on
    x: Decimal | None = None
    y: Decimal | None = None

    @property
    def initial(self) -> str:
        return (self.name[:1] or "?").upper()


def _viewer_company(viewer: Any) -> int:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        raise NotAuthenticated(_("Log in first."))
    if not getattr(viewer, "company_id", None) or not viewer.is_active:
        raise Forbidden(_("Colleagues are shown to a company's employees."),
                        code="not_employee")
    return int(viewer.company_id)


def colleagues_booked(*, viewer: Any, centres: Iterable[Any], on: dt.date,
                      slot: str | None = None) -> dict[int, list[ColleagueHere]]:
    """Centre id -> the viewer's colleagues (same company, active, who allow it) with a
    desk booking there on the centre's local date `on` (overlapping `slot` if given),
    by name. One statement whatever the number of centres."""
    company_id = _viewer_company(viewer)
    if slot is not None and slot not in DAY_SLOTS:
        raise InvalidInput(_("Unknown slot."), code="unknown_slot",
                           fields={"slot": [_("Unknown.")]})
    by_id = {c.pk: c for c in centres}
    if not by_id:
        return {}
    # A day either side in UTC covers every time zone; the local date is checked below.
    around = dt.datetime.combine(on, dt.time(), tzinfo=dt.UTC)
    rows = (Booking.objects
            .filter(centre_id__in=list(by_id), state__in=SHOWN_STATES,
                    resource__kind__in=sorted(SLOT_KINDS),
                    start__gte=around - dt.timedelta(days=1),
                    start__lt=around + dt.timedelta(days=2),
                    member__company_id=company_id, member__is_active=True,
                    member__colleague_sharing__show_bookings=True)
            .exclude(member_id=viewer.pk))
    if slot is not None:
        rows = rows.filter(slot__in=_overlapping(slot))
    rows = rows.select_related("member", "resource", "resource__place").order_by("start", "pk")
    out: dict[int, list[ColleagueHere]] = defaultdict(list)
    for booking in rows:
        centre = by_id[booking.centre_id]
        if booking.start.astimezone(zone(centre.timezone)).date() != on:
            continue
        place = getattr(booking.resource, "place", None)
        out[booking.centre_id].append(ColleagueHere(
            member_id=booking.member_id, name=str(booking.member), centre_id=booking.centre_id,
            slot=booking.slot, resource_id=booking.resource_id,
            resource_name=booking.resource.name,
            plan_id=place.plan_id if place else None, x=place.x if place else None,
            y=place.y if place else None))
    return {k: sorted(v, key=lambda c: (c.name.lower(), c.slot)) for k, v in out.items()}


def colleagues_booked_at(*, viewer: Any, centre: Any, on: dt.date,
                         slot: str | None = None) -> list[ColleagueHere]:
    return colleagues_booked(viewer=viewer, centres=[centre], on=on, slot=slot).get(centre.pk, [])


# --- Next to them ------------------------------------------------------------------------


@dataclass(frozen=True)
class Spot:
    """A free desk and where it is placed (plan None: on no plan)."""

    resource_id: int
    name: str
    plan_id: int | None = None
    x: float = 0.0
    y: float = 0.0


def nearest_spot(*, x: float, y: float, spots: Sequence[Spot], width: float = 100.0,
                 height: float = 100.0) -> Spot | None:
    """The spot nearest to (x, y), positions in percent of a plan `width` x `height`
    (so a step across a wide plan counts as much as it looks); ties by name, then id."""
    def key(spot: Spot) -> tuple[float, str, int]:
        dx = (spot.x - x) * width / 100
        dy = (spot.y - y) * height / 100
        return dx * dx + dy * dy, spot.name, spot.resource_id

    return min(spots, key=key, default=None)


@dataclass(frozen=True)
class NextTo:
    """The desk offered next to a colleague, and why that one (`reason`, in words)."""

    colleague: ColleagueHere
    slot: str
    resource_id: int | None
    resource_name: str
    reason: str


def _free_desks(centre: Any, on: dt.date) -> dict[str, list[Spot]]:
    """Slot -> free desks of the centre on `on`, by name, with their plan positions.
    Four statements (the availability's three and the positions)."""
    try:
        data = selectors.availability_for_centre(centre=centre, date_from=on)
    except DomainError:
        return {}
    desks = [r for r in data["resources"] if r["kind"] == ResourceKind.DESK]
    positions = {p["resource_id"]: p for p in PlacePosition.objects.filter(
        resource_id__in=[r["id"] for r in desks]).values("resource_id", "plan_id", "x", "y")}
    out: dict[str, list[Spot]] = defaultdict(list)
    for resource in sorted(desks, key=lambda r: (r["name"], r["id"])):
        pos = positions.get(resource["id"])
        spot = Spot(resource_id=resource["id"], name=resource["name"],
                    plan_id=pos["plan_id"] if pos else None,
                    x=float(pos["x"]) if pos else 0.0, y=float(pos["y"]) if pos else 0.0)
        for s in resource["slots"]:
            if s["free"]:
                out[s["slot"]].append(spot)
    return out


def desks_next_to(*, centre: Any, on: dt.date, colleagues: Sequence[ColleagueHere],
                  slot: str | None = None) -> list[NextTo]:
    """For each colleague, the free desk to offer for `slot` (default: the colleague's
    own slot) and why. Five statements whatever the number of colleagues."""
    if not colleagues:
        return []
    free = _free_desks(centre, on)
    plan_sizes = {p.pk: (float(p.width), float(p.height))
                  for p in centre.floor_plans.only("pk", "width", "height")}
    out = []
    for mate in colleagues:
        wanted = slot or mate.slot
        spots = free.get(wanted, [])
        chosen, reason = None, ""
        if mate.plan_id is not None and mate.x is not None and mate.y is not None:
            same_floor = [s for s in spots if s.plan_id == mate.plan_id]
            width, height = plan_sizes.get(mate.plan_id, (100.0, 100.0))
            chosen = nearest_spot(x=float(mate.x), y=float(mate.y), spots=same_floor,
                                  width=width, height=height)
            if chosen is not None:
                reason = _("%(desk)s is the free desk nearest to %(name)s's (%(theirs)s) on the "
                           "floor plan.") % {"desk": chosen.name, "name": mate.name,
                                             "theirs": mate.resource_name}
            elif spots:
                chosen = spots[0]
                reason = _("No desk is free on %(name)s's floor; %(desk)s is free elsewhere in "
                           "the centre.") % {"name": mate.name, "desk": chosen.name}
        elif spots:
            chosen = spots[0]
            reason = _("%(name)s's desk is on no floor plan: %(desk)s is a free desk in the "
                       "centre.") % {"name": mate.name, "desk": chosen.name}
        if chosen is None:
            reason = _("No desk is free for that slot.")
        out.append(NextTo(colleague=mate, slot=wanted,
                          resource_id=chosen.resource_id if chosen else None,
                          resource_name=chosen.name if chosen else "", reason=reason))
    return out

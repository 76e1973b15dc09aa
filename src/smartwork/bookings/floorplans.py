"""Floor plans: a centre manager uploads a drawing of each floor (SVG or PNG) and places
the centre's desks and rooms on it; members see on it what is free for a date and slot
and book a place by choosing it.

Uploads are checked here (format by content, not by name; size; an SVG must be plain
drawing: no script, no event attribute, no external reference, no DOCTYPE). The image is
then only ever served as an image (`<img>` and a sandboxing CSP on its own URL), never
inlined in a page, so even a drawing that slipped past the checks runs nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _

from smartwork.bookings import selectors
from smartwork.bookings.choices import DAY_SLOTS, FloorPlanFormat, Slot
from smartwork.bookings.models import FloorPlan, PlacePosition
from smartwork.core.audit import audit_log
from smartwork.core.errors import InvalidInput, NotFound
from smartwork.core.permissions import require
from smartwork.network.choices import RANGE_KINDS, LabelStatus
from smartwork.network.models import Centre, Resource
from smartwork.network.selectors import centre_visible_to, centres_for_staff

MAX_PLAN_BYTES = 2 * 1024 * 1024
MIN_LEVEL, MAX_LEVEL = -5, 200  # floors: five below ground to a tower's top
MAX_PLAN_PIXELS = 8000  # each side of a PNG
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# Elements that run code, embed other documents or pull in other resources.
SVG_FORBIDDEN = {"script", "foreignObject", "iframe", "object", "embed", "handler",
                 "listener", "set", "animate", "animateTransform", "animateMotion"}


def _bad(message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_floor_plan", fields={"image": [message]})


MAX_SVG_SIZE = 1_000_000  # user units; a building's plan in centimetres fits


def _svg_length(value: str | None) -> float | None:
    if not value:
        return None
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*", value)
    return float(match.group(1)) if match else None


def _check_svg(data: bytes) -> tuple[int, int]:
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise _bad(_("An SVG plan may not declare a DOCTYPE or entities."))
    try:
        root = ET.fromstring(data)  # noqa: S314 (DOCTYPE and entities refused above)
    except ET.ParseError:
        raise _bad(_("This file is not a valid SVG drawing.")) from None
    if root.tag != f"{SVG_NS}svg":
        raise _bad(_("This file is not a valid SVG drawing."))
    for element in root.iter():
        tag = element.tag.split("}", 1)[-1] if isinstance(element.tag, str) else ""
        if tag in SVG_FORBIDDEN:
            raise _bad(_("An SVG plan may not contain scripts, animations or embedded "
                         "documents (<%(tag)s>).") % {"tag": tag})
        for name, value in element.attrib.items():
            local = name.split("}", 1)[-1].lower()
            if local.startswith("on"):
                raise _bad(_("An SVG plan may not contain event handlers (%(name)s).")
                           % {"name": local})
            if (name == XLINK_HREF or local == "href") and not value.startswith("#") \
                    and not value.startswith("data:image/png") \
                    and not value.startswith("data:image/jpeg"):
                raise _bad(_("An SVG plan may not refer to other files or addresses."))
            if "url(" in value.lower() and not re.search(r"url\(\s*#", value, re.I):
                raise _bad(_("An SVG plan may not refer to other files or addresses."))
    width, height = _svg_length(root.get("width")), _svg_length(root.get("height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        with contextlib.suppress(ValueError):
            width, height = float(box[2]), float(box[3])
    # "inf", "nan" and absurd sizes are no drawing (and would not fit the size columns).
    if width is None or height is None or not (0 < width <= MAX_SVG_SIZE
                                                and 0 < height <= MAX_SVG_SIZE):
        raise _bad(_("The SVG drawing needs a viewBox or a width and a height."))
    return max(1, round(width)), max(1, round(height))


def _check_png(data: bytes) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise _bad(_("This file is not a PNG image."))
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _bad(_("This file is not a PNG image.")) from None
    if width > MAX_PLAN_PIXELS or height > MAX_PLAN_PIXELS:
        raise _bad(_("The image is too large: at most %(n)d pixels a side.")
                   % {"n": MAX_PLAN_PIXELS})
    return width, height


def floorplan_image_check(*, data: bytes) -> tuple[str, int, int]:
    """The format and size of an uploaded plan, read from its content; InvalidInput
    (field `image`) when it is neither a PNG nor a plain SVG drawing, or too big."""
    if not data:
        raise _bad(_("Choose a file."))
    if len(data) > MAX_PLAN_BYTES:
        raise _bad(_("The file is too large: at most %(n)d MB.")
                   % {"n": MAX_PLAN_BYTES // (1024 * 1024)})
    if data.startswith(PNG_MAGIC):
        return (FloorPlanFormat.PNG.value, *_check_png(data))
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return (FloorPlanFormat.SVG.value, *_check_svg(stripped))
    raise _bad(_("A floor plan is an SVG drawing or a PNG image."))


def _floor_has_plan() -> InvalidInput:
    return InvalidInput(_("This floor already has a plan: replace its drawing instead."),
                        code="floor_has_plan", fields={"level": [_("Already has a plan.")]})


def floorplan_upload(*, actor: Any, centre: Centre, name: str, level: int, data: bytes,
                     plan: FloorPlan | None = None) -> FloorPlan:
    """A new plan for a floor of the centre, or a new drawing for `plan` (its places
    stay where they were, in percent of the drawing)."""
    require(actor, "centre.resources", centre=centre)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the plan a name."), code="name_required",
                           fields={"name": [_("Required.")]})
    if not MIN_LEVEL <= level <= MAX_LEVEL:
        why = _("A floor is a number from %(min)d to %(max)d.") % {"min": MIN_LEVEL,
                                                                    "max": MAX_LEVEL}
        raise InvalidInput(why, code="bad_level", fields={"level": [why]})
    content_type, width, height = floorplan_image_check(data=data)
    with transaction.atomic():
        clash = FloorPlan.objects.filter(centre=centre, level=level)
        if plan is not None:
            clash = clash.exclude(pk=plan.pk)
        if clash.exists():
            raise _floor_has_plan()
        if plan is None:
            plan = FloorPlan(centre=centre)
        plan.name, plan.level, plan.image = name[:100], level, data
        plan.content_type, plan.width, plan.height = content_type, width, height
        try:
            with transaction.atomic():
                plan.save()
        except IntegrityError as exc:
            # Another upload for this floor committed a moment before (the unique
            # index waited for it): the same answer as when it came first.
            raise _floor_has_plan() from exc
        audit_log(actor=actor, action="floor_plan.uploaded", obj=plan,
                  data={"centre": centre.pk, "level": level, "format": content_type,
                        "bytes": len(data)})
    return plan


def _coordinate(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("A position is a number from 0 to 100."), code="bad_position",
                           fields={field: [_("A number from 0 to 100.")]}) from None
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        raise InvalidInput(_("A position is a number from 0 to 100."), code="bad_position",
                           fields={field: [_("A number from 0 to 100.")]})
    return number


def floorplan_place(*, actor: Any, plan: FloorPlan,
                    positions: Mapping[int, tuple[Any, Any] | None]) -> int:
    """Set where resources sit on `plan`: {resource id: (x %, y %)}, or None to take
    one off this plan (a resource placed on another plan stays there). A resource placed
    here leaves any other plan. Returns how many are placed."""
    require(actor, "centre.resources", centre=plan.centre)
    own = set(Resource.objects.filter(centre_id=plan.centre_id,
                                      pk__in=list(positions)).values_list("pk", flat=True))
    unknown = [rid for rid in positions if rid not in own]
    if unknown:
        raise InvalidInput(_("These places are not resources of this centre."),
                           code="unknown_resource", fields={"positions": [str(u) for u in unknown]})
    checked: dict[int, tuple[Decimal, Decimal] | None] = {}
    for rid, xy in positions.items():
        checked[rid] = None if xy is None else (_coordinate(xy[0], f"x_{rid}"),
                                                _coordinate(xy[1], f"y_{rid}"))
    with transaction.atomic():
        gone = [rid for rid, xy in checked.items() if xy is None]
        PlacePosition.objects.filter(plan=plan, resource_id__in=gone).delete()
        for rid, xy in checked.items():
            if xy is not None:
                PlacePosition.objects.update_or_create(
                    resource_id=rid, defaults={"plan": plan, "x": xy[0], "y": xy[1]})
        audit_log(actor=actor, action="floor_plan.places_set", obj=plan,
                  data={"placed": sum(1 for xy in checked.values() if xy is not None),
                        "removed": len(gone)})
    return PlacePosition.objects.filter(plan=plan).count()


def floorplan_delete(*, actor: Any, plan: FloorPlan) -> None:
    require(actor, "centre.resources", centre=plan.centre)
    with transaction.atomic():
        audit_log(actor=actor, action="floor_plan.deleted", obj=plan,
                  data={"centre": plan.centre_id, "level": plan.level})
        plan.delete()


# Selectors


def floorplan_list(*, centre: Centre) -> list[FloorPlan]:
    """The centre's plans (without their images), lowest floor first."""
    return list(FloorPlan.objects.filter(centre=centre).defer("image").order_by("level", "pk"))


def floorplan_get(*, plan_id: int, centre: Centre | None = None, with_image: bool = False
                  ) -> FloorPlan:
    qs = FloorPlan.objects.select_related("centre", "centre__network")
    if not with_image:
        qs = qs.defer("image")
    if centre is not None:
        qs = qs.filter(centre=centre)
    plan = qs.filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No such floor plan."), code="unknown_floor_plan")
    return plan


def floorplan_places(*, plan: FloorPlan) -> list[dict[str, Any]]:
    """Every active resource of the plan's centre with its position here (or None)."""
    here = {p.resource_id: p for p in PlacePosition.objects.filter(plan=plan)}
    elsewhere = set(PlacePosition.objects.filter(resource__centre_id=plan.centre_id)
                    .exclude(plan=plan).values_list("resource_id", flat=True))
    rows = []
    for resource in Resource.objects.filter(centre_id=plan.centre_id).order_by("kind", "name"):
        pos = here.get(resource.pk)
        rows.append({"resource": resource, "x": pos.x if pos else None,
                     "y": pos.y if pos else None, "elsewhere": resource.pk in elsewhere})
    return rows


def floorplan_availability(*, plan: FloorPlan, on: dt.date, slot: str,
                           now: dt.datetime | None = None, member: Any = None
                           ) -> dict[str, Any]:
    """The places of `plan` with, for `on` and `slot` (a desk slot), whether each is
    free: desks and offices for that slot, rooms when they have any free time that day
    (with their free ranges). Five queries whatever the number of places.

    With `member` (the page's and the API's reader), also whether each place may be
    booked by them: free, the centre open, and for a desk nothing that would refuse
    every desk that day (`blocker`: the past, the booking window, a desk already held;
    the same `member_booking_blocker` as the finder)."""
    if slot not in DAY_SLOTS:
        raise InvalidInput(_("Unknown slot."), code="unknown_slot", fields={"slot": [_("Unknown.")]})
    data = selectors.availability_for_centre(centre=plan.centre, date_from=on, now=now)
    day = data["days"][0] if data["days"] else {"open": False, "reason": ""}
    by_id = {r["id"]: r for r in data["resources"]}
    places = []
    for pos in PlacePosition.objects.filter(plan=plan).values("resource_id", "x", "y"):
        resource = by_id.get(pos["resource_id"])
        if resource is None:  # out of service
            continue
        if resource["kind"] in RANGE_KINDS:
            ranges = [(s["start"], s["end"]) for s in resource["slots"] if s["slot"] == Slot.RANGE]
            free = bool(ranges)
            span = None
        else:
            ranges = []
            mine = [s for s in resource["slots"] if s["slot"] == slot]
            free = bool(mine) and mine[0]["free"]
            span = (mine[0]["start"], mine[0]["end"]) if mine else None
        places.append({"id": resource["id"], "name": resource["name"], "kind": resource["kind"],
                       "capacity": resource["capacity"], "equipment": resource["equipment"],
                       "x": pos["x"], "y": pos["y"], "free": free, "ranges": ranges,
                       "span": span})
    places.sort(key=lambda p: (p["kind"], p["name"]))
    blocker = None
    if member is not None and getattr(member, "network_id", None):
        blocker = selectors.member_booking_blocker(member=member, on=on, slot=slot)
    for place in places:
        place["room"] = place["kind"] in RANGE_KINDS
        place["bookable"] = bool(place["free"] and day["open"]
                                 and (place["room"] or blocker is None))
    return {"plan": plan, "date": on, "slot": slot, "open": day["open"],
            "reason": day.get("reason", ""), "places": places,
            "free": sum(1 for p in places if p["free"]),
            "blocker": blocker.message if blocker else ""}


def floorplan_centre_visible(*, viewer: Any, centre: Centre) -> bool:
    """Whether `viewer` sees the centre's plans: its staff and its network's operator
    always (`centres_for_staff`); others when the centre is labelled and visible to them
    (a company-hosted space limited to its company shows to its people only)."""
    if centre.label_status == LabelStatus.LABELLED and centre_visible_to(viewer=viewer,
                                                                         centre=centre):
        return True
    return centres_for_staff(actor=viewer).filter(pk=centre.pk).exists()


def floorplan_get_visible(*, viewer: Any, plan_id: int, with_image: bool = False) -> FloorPlan:
    """A plan `viewer` may see (floorplan_centre_visible), or NotFound: the same answer
    as for a plan that does not exist."""
    plan = floorplan_get(plan_id=plan_id, with_image=with_image)
    if not floorplan_centre_visible(viewer=viewer, centre=plan.centre):
        raise NotFound(_("No such floor plan."), code="unknown_floor_plan")
    return plan


def floorplan_floors(*, centre: Centre, plan: FloorPlan | None = None) -> list[dict[str, Any]]:
    """The centre's plans (or only `plan`), lowest floor first, each with its placed
    resources (id, name, kind, capacity, equipment, active, x and y in percent). Two
    queries whatever the number of plans and places."""
    plans = [plan] if plan is not None else floorplan_list(centre=centre)
    positions = (PlacePosition.objects.filter(plan__in=[p.pk for p in plans])
                 .select_related("resource").order_by("resource__kind", "resource__name"))
    by_plan: dict[int, list[dict[str, Any]]] = {p.pk: [] for p in plans}
    for pos in positions:
        r = pos.resource
        by_plan[pos.plan_id].append({
            "resource_id": r.pk, "name": r.name, "kind": r.kind, "capacity": r.capacity,
            "equipment": list(r.equipment or []), "is_active": r.is_active,
            "x": pos.x, "y": pos.y})
    return [{"plan": p, "places": by_plan[p.pk]} for p in plans]


def floorplan_image_response(*, plan: FloorPlan) -> HttpResponse:
    """The plan's drawing (`plan` read `with_image`), only ever as an image: a
    sandboxing CSP and no sniffing, so an SVG opened on its own runs nothing. The page's
    URL and the API's answer alike."""
    response = HttpResponse(bytes(plan.image), content_type=plan.content_type)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = (
        f'inline; filename="plan-{plan.pk}.{"svg" if "svg" in plan.content_type else "png"}"')
    response["Cache-Control"] = "private, max-age=300"
    return response


def floorplan_centre_get(*, viewer: Any, centre_id: int) -> Centre:
    """A centre whose plans `viewer` may see, or NotFound (as for no centre at all)."""
    centre = Centre.objects.select_related("network").filter(pk=centre_id).first()
    if centre is None or not floorplan_centre_visible(viewer=viewer, centre=centre):
        raise NotFound(_("No such centre."))
    return centre

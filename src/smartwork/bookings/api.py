"""Bookings API: parse, call one service or selector, return."""

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from smartwork.accounts.models import User
from smartwork.bookings import approvals, qr, selectors, services, sql
from smartwork.bookings.choices import BookingState, SeriesKind
from smartwork.bookings.feed_sources import feed_events
from smartwork.bookings.ical import booking_ics, calendar_for
from smartwork.bookings.models import Booking, CalendarFeed
from smartwork.bookings.schemas import (
    BookingIn,
    BookingOut,
    CalendarFeedOut,
    CancelIn,
    CentreAvailabilityOut,
    CheckInCodeOut,
    CheckInIn,
    DeskNearOut,
    MoveIn,
    QrCheckInIn,
    RejectIn,
    RoomFreeOut,
    SeriesCreatedOut,
    SeriesIn,
    SeriesOut,
    booking_out_data,
)
from smartwork.bookings.slots import zone
from smartwork.core.errors import InvalidInput, NotFound
from smartwork.core.geo import parse_point
from smartwork.core.idempotency import IDEMPOTENCY_OPENAPI, idempotent
from smartwork.core.permissions import require
from smartwork.network.models import Centre, Resource

router = Router(tags=["bookings"])

ERRORS = {
    400: dict, 401: dict, 403: dict, 404: dict, 409: dict, 422: dict,
}


def _resource(resource_id: int | None, on: dt.date | None = None) -> Resource | None:
    """`on`: the centre's calendar of that day comes in the same statement."""
    if resource_id is None:
        return None
    resource = sql.resource_with_centre(resource_id, None if on is None else (on, on))
    if resource is None:
        raise InvalidInput(_("No such resource."), code="unknown_resource",
                           fields={"resource_id": [_("Unknown resource.")]})
    return resource


def _centre(centre_id: int | None, field: str = "centre_id",
            on: dt.date | None = None) -> Centre | None:
    if centre_id is None:
        return None
    centre = sql.centre_with_network(centre_id, None if on is None else (on, on))
    if centre is None:
        raise InvalidInput(_("No such centre."), code="unknown_centre",
                           fields={field: [_("Unknown centre.")]})
    return centre


def _centre_or_404(centre_id: int, days: tuple[dt.date, dt.date] | None = None) -> Centre:
    centre = sql.centre_with_network(centre_id, days)
    if centre is None:
        raise NotFound(_("No such centre."))
    return centre


def _member(member_id: int | None) -> User | None:
    if member_id is None:
        return None
    member = User.objects.filter(pk=member_id, is_active=True).first()
    if member is None:
        raise InvalidInput(_("No such member."), code="unknown_member",
                           fields={"member_id": [_("Unknown member.")]})
    return member


def _point(near: str | None) -> tuple[float, float] | None:
    if not near:
        return None
    try:
        return parse_point(near)
    except ValueError as exc:
        raise InvalidInput(str(exc), fields={"near": [str(exc)]}) from exc


def _encode(value: Any) -> str:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _json(data: Any) -> HttpResponse:
    return HttpResponse(json.dumps(data, default=_encode, separators=(",", ":")),
                        content_type="application/json")


# --- Bookings -------------------------------------------------------------------


@router.post("/bookings", response={201: BookingOut, **ERRORS}, summary="Book a slot",
             openapi_extra=IDEMPOTENCY_OPENAPI,
             description="Book a resource, or any free desk of a centre, for yourself or "
                         "(front desk, company admin) for someone else. 409 `slot_taken` / "
                         "`no_desk_free` when someone was faster.")
@idempotent
def booking_create(request: HttpRequest, data: BookingIn) -> Any:
    booking = services.booking_create(
        actor=request.user, resource=_resource(data.resource_id, data.date),  # type: ignore[arg-type]
        centre=_centre(data.centre_id, on=data.date), member=_member(data.member_id),
        slot=data.slot, on=data.date, start_time=data.start_time, end_time=data.end_time,
        payment_method=data.payment_method, note=data.note,
    )
    # The same body as BookingOut, rendered by the API's renderer, without the pydantic
    # round trip (every booking goes through here; schemas.booking_out_data).
    from smartwork.config.api import api

    return api.create_response(request, booking_out_data(booking), status=201)


class BookingQuery(Schema):
    member: int | None = None
    centre: int | None = None
    resource: int | None = None
    series: int | None = None
    state: list[BookingState] | None = Field(
        None, description="Repeat for several states: confirmed, pending_approval, checked_in, "
                          "completed, cancelled, no_show", examples=[["pending_approval"]])
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@router.get("/bookings", response=list[BookingOut],
            summary="Bookings I may see (own; my centre; my staff; my network)")
@paginate(LimitOffsetPagination)
def booking_list(request: HttpRequest, filters: Query[BookingQuery]) -> Any:
    return selectors.booking_list(actor=request.user, filters=selectors.BookingFilters(
        **filters.dict()))


@router.get("/bookings/{booking_id}", response=BookingOut)
def booking_detail(request: HttpRequest, booking_id: int) -> Booking:
    return selectors.booking_get(actor=request.user, booking_id=booking_id)


@router.get("/bookings/{booking_id}/calendar.ics", summary="The booking as an .ics file")
def booking_calendar(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = selectors.booking_get(actor=request.user, booking_id=booking_id)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.pk}.ics"'
    return response


@router.post("/bookings/{booking_id}/cancel", response={200: BookingOut, **ERRORS},
             openapi_extra=IDEMPOTENCY_OPENAPI, summary="Cancel a booking")
@idempotent
def booking_cancel(request: HttpRequest, booking_id: int, data: CancelIn) -> Booking:
    booking = selectors.booking_get(actor=request.user, booking_id=booking_id)
    return services.booking_cancel(booking=booking, actor=request.user, reason=data.reason)  # type: ignore[arg-type]


@router.post("/bookings/{booking_id}/move", response={200: BookingOut, **ERRORS},
             openapi_extra=IDEMPOTENCY_OPENAPI,
             summary="Change a booking's resource (same centre), date or time")
@idempotent
def booking_move(request: HttpRequest, booking_id: int, data: MoveIn) -> Booking:
    booking = selectors.booking_get(actor=request.user, booking_id=booking_id)
    return services.booking_move(
        booking=booking, actor=request.user, resource=_resource(data.resource_id),  # type: ignore[arg-type]
        on=data.date, slot=data.slot, start_time=data.start_time, end_time=data.end_time,
    )


@router.post("/bookings/{booking_id}/check-in", response={200: BookingOut, **ERRORS},
             openapi_extra=IDEMPOTENCY_OPENAPI, summary="Check a member in (front desk)")
@idempotent
def booking_check_in(request: HttpRequest, booking_id: int, data: CheckInIn) -> Booking:
    booking = selectors.booking_get(actor=request.user, booking_id=booking_id)
    return services.booking_check_in(booking=booking, actor=request.user, via=data.via)


@router.post("/check-in/qr", response={200: BookingOut, **ERRORS},
             openapi_extra=IDEMPOTENCY_OPENAPI,
             summary="Check in with the centre's QR code (the member)")
@idempotent
def qr_check_in(request: HttpRequest, data: QrCheckInIn) -> Booking:
    return services.booking_check_in_qr(member=request.user, token=data.token)  # type: ignore[arg-type]


@router.post("/check-in/qr/{token}", response={200: BookingOut, **ERRORS},
             summary="Check in with the URL inside the QR code (the member)")
@idempotent
def qr_check_in_url(request: HttpRequest, token: str) -> Booking:
    return services.booking_check_in_qr(member=request.user, token=token)  # type: ignore[arg-type]


# --- Approvals (beyond an employee's monthly cap) -------------------------------


@router.get("/companies/{company_id}/approvals", response=list[BookingOut],
            summary="The company's bookings waiting for approval (company admin, operator)",
            description="Bookings beyond an employee's monthly cap, when the company's credit "
                        "policy has `approval_beyond_cap`; the soonest to lapse first. "
                        "Another company's admin: 403.")
@paginate(LimitOffsetPagination)
def approvals_list(request: HttpRequest, company_id: int) -> Any:
    from smartwork.credits.services import company_for

    return selectors.pending_approvals(actor=request.user, company=company_for(
        company_id=company_id))


@router.post("/bookings/{booking_id}/approve", response={200: BookingOut, **ERRORS},
             openapi_extra=IDEMPOTENCY_OPENAPI, summary="Approve a booking beyond the cap",
             description="The company's credit pays (the cap waived for this booking) and the "
                         "booking is confirmed; the member is mailed with the .ics. 409 "
                         "`insufficient_credit` when no account can pay, `not_pending`, "
                         "`approval_expired`.")
@idempotent
def booking_approve(request: HttpRequest, booking_id: int) -> Booking:
    booking = selectors.booking_get(actor=request.user, booking_id=booking_id)
    return approvals.booking_approve(booking=booking, actor=request.user)  # type: ignore[arg-type]


@router.post("/bookings/{booking_id}/reject", response={200: BookingOut, **ERRORS},
             openapi_extra=IDEMPOTENCY_OPENAPI, summary="Reject a booking beyond the cap",
             description="The booking is cancelled with the reason; the member is mailed.")
@idempotent
def booking_reject(request: HttpRequest, booking_id: int, data: RejectIn) -> Booking:
    booking = selectors.booking_get(actor=request.user, booking_id=booking_id)
    return approvals.booking_reject(booking=booking, actor=request.user, reason=data.reason)  # type: ignore[arg-type]


# --- Series ---------------------------------------------------------------------


@router.post("/booking-series", response={201: SeriesCreatedOut, **ERRORS},
             openapi_extra=IDEMPOTENCY_OPENAPI, summary="Book several days or a weekly series",
             description="One occurrence per date. Conflicts are reported per date: with "
                         "`all_or_nothing` nothing is booked (409 `series_conflicts`, the "
                         "dates in error.data.conflicts); with `skip` the rest is booked.")
@idempotent
def series_create(request: HttpRequest, data: SeriesIn) -> Any:
    if data.weekly_from is not None:
        if data.dates:
            raise InvalidInput(_("Give dates or weekly_from, not both."), code="invalid",
                               fields={"dates": [_("Not with weekly_from.")]})
        dates = services.weekly_dates(data.weekly_from, data.weeks or 1)
        kind = SeriesKind.WEEKLY
    elif data.dates:
        dates, kind = data.dates, SeriesKind.DATES
    else:
        raise InvalidInput(_("Give dates, or weekly_from and weeks."), code="no_dates",
                           fields={"dates": [_("Required.")]})
    result = services.series_create(
        actor=request.user, resource=_resource(data.resource_id), centre=_centre(data.centre_id),  # type: ignore[arg-type]
        member=_member(data.member_id), slot=data.slot, dates=dates, kind=kind,
        start_time=data.start_time, end_time=data.end_time,
        conflict_policy=data.conflict_policy, payment_method=data.payment_method, note=data.note,
    )
    bookings = list(Booking.objects.select_related("centre", "resource", "member")
                    .filter(pk__in=[b.pk for b in result.bookings]).order_by("start"))
    return Status(201, {"series": result.series, "bookings": bookings,
                        "skipped": result.skipped})


@router.get("/booking-series/{series_id}", response=SeriesOut)
def series_detail(request: HttpRequest, series_id: int) -> Any:
    return selectors.series_get(actor=request.user, series_id=series_id)


@router.post("/booking-series/{series_id}/cancel", response={200: list[BookingOut], **ERRORS},
             openapi_extra=IDEMPOTENCY_OPENAPI, summary="Cancel the occurrences still to come")
@idempotent
def series_cancel(request: HttpRequest, series_id: int, data: CancelIn) -> Any:
    series = selectors.series_get(actor=request.user, series_id=series_id)
    return services.series_cancel(series=series, actor=request.user, reason=data.reason)  # type: ignore[arg-type]


# --- Availability ---------------------------------------------------------------


class CentreAvailabilityQuery(Schema):
    date: dt.date = Field(..., description="First local date")
    date_to: dt.date | None = Field(None, description="Last date (at most 31 days)")
    slot: str | None = Field(None, description="Only this slot (morning, afternoon, "
                             "full_day, range)")
    kind: str | None = Field(None, description="Only this resource kind")


@router.get("/centres/{centre_id}/availability", response=CentreAvailabilityOut,
            summary="Each resource of a centre and its free slots")
def centre_availability(request: HttpRequest, centre_id: int,
                        q: Query[CentreAvailabilityQuery]) -> Any:
    last = q.date_to or q.date
    span = (q.date, last) if 0 <= (last - q.date).days < selectors.MAX_AVAILABILITY_DAYS else None
    centre = _centre_or_404(centre_id, span)
    if centre.host_company_id is not None:  # a hosted space they may not see: 404
        from smartwork.network.selectors import centre_visible_or_404

        centre_visible_or_404(viewer=request.user, centre=centre)
    # Plain dicts of dates and times: serialised directly, skipping a per-slot
    # schema validation that cost more than the whole computation (see the benchmark).
    return _json(selectors.availability_for_centre(centre=centre, date_from=q.date,
                                                   date_to=q.date_to, slot=q.slot, kind=q.kind))


class DesksQuery(Schema):
    date: dt.date
    slot: str = Field(..., examples=["morning"])
    near: str | None = Field(None, description="lat,lon; default: your home",
                             examples=["50.46,4.87"])
    within_km: float = Field(25.0, gt=0, le=500)


@router.get("/availability/desks", response=list[DeskNearOut],
            summary="Free desks near a point or home, by centre, nearest first")
def desks_near(request: HttpRequest, q: Query[DesksQuery]) -> Any:
    return selectors.desks_free_near(actor=request.user, on=q.date, slot=q.slot,  # type: ignore[arg-type]
                                     near=_point(q.near), within_km=q.within_km)


class RoomsQuery(Schema):
    date: dt.date
    start_time: dt.time = Field(..., examples=["10:00"])
    end_time: dt.time = Field(..., examples=["11:00"])
    min_capacity: int = Field(1, ge=1, le=500)
    equipment: list[str] | None = Field(None, description="Repeat to require several")
    centre: int | None = None
    near: str | None = Field(None, description="lat,lon; default: your home")
    within_km: float = Field(25.0, gt=0, le=500)


@router.get("/availability/rooms", response=list[RoomFreeOut],
            summary="Rooms free for a time range, with capacity and equipment")
def rooms_free(request: HttpRequest, q: Query[RoomsQuery]) -> Any:
    return selectors.rooms_free(
        actor=request.user, on=q.date, start_time=q.start_time, end_time=q.end_time,  # type: ignore[arg-type]
        min_capacity=q.min_capacity, equipment=q.equipment,
        centre=_centre(q.centre, field="centre"), near=_point(q.near), within_km=q.within_km,
    )


# --- Front desk -----------------------------------------------------------------


@router.get("/centres/{centre_id}/arrivals", response=list[BookingOut],
            summary="The day's bookings at a centre (front desk)")
@paginate(LimitOffsetPagination)
def arrivals(request: HttpRequest, centre_id: int, date: dt.date | None = None) -> Any:
    centre = _centre_or_404(centre_id)
    on = date or timezone.now().astimezone(zone(centre.timezone)).date()
    return selectors.arrivals(actor=request.user, centre=centre, on=on)


@router.get("/centres/{centre_id}/check-in-code", response=CheckInCodeOut,
            summary="Today's check-in QR code for the reception screen")
def check_in_code(request: HttpRequest, centre_id: int) -> Any:
    centre = _centre_or_404(centre_id)
    require(request.user, "centre.front_desk", centre=centre)
    now = timezone.now()
    token = qr.checkin_token_for(centre=centre, now=now)
    return {"centre_id": centre.pk, "token": token, "url": qr.checkin_url(token=token),
            "svg": qr.checkin_qr_svg(centre=centre, now=now),
            "valid_on": now.astimezone(zone(centre.timezone)).date()}


# --- Calendars ------------------------------------------------------------------


def _feed_url(feed: CalendarFeed) -> str:
    return f"{settings.SMARTWORK['BASE_URL'].rstrip('/')}/api/v1/calendar/{feed.token}.ics"


@router.get("/me/calendar", response=CalendarFeedOut, summary="My private calendar feed URL")
def my_calendar(request: HttpRequest) -> Any:
    feed = services.calendar_feed_get_or_create(member=request.user)  # type: ignore[arg-type]
    return {"url": _feed_url(feed)}


@router.post("/me/calendar/reset", response=CalendarFeedOut, openapi_extra=IDEMPOTENCY_OPENAPI,
             summary="Revoke my feed URL and get a new one")
@idempotent
def my_calendar_reset(request: HttpRequest) -> Any:
    feed = services.calendar_feed_reset(member=request.user)  # type: ignore[arg-type]
    return {"url": _feed_url(feed)}


@router.get("/calendar/{token}.ics", auth=None, summary="A member's private iCalendar feed",
            description="No login: the secret token in the URL is the key.")
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = CalendarFeed.objects.select_related("member").filter(token=token).first()
    if feed is None or not feed.member.is_active:
        raise NotFound(_("No such calendar."))
    body = calendar_for(selectors.calendar_bookings(member=feed.member),
                        name=f"smartwork — {feed.member}",
                        extra=feed_events(member=feed.member))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

SlotName = Literal["morning", "afternoon", "full_day", "range"]


class BookingIn(Schema):
    resource_id: int | None = Field(None, description="The resource; omit it and give "
                                    "centre_id to book any free desk there.")
    centre_id: int | None = Field(None, description="With no resource_id: any desk here.")
    member_id: int | None = Field(None, description="Book for someone else (front desk: a "
                                  "walk-in; company admin: an employee). Default: yourself.")
    date: dt.date = Field(..., description="Local date at the centre.")
    slot: SlotName = Field(..., description="Desks and offices: morning, afternoon, full_day. "
                           "Rooms: range, with start_time and end_time (15-minute grid).")
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    payment_method: Literal["credit", "membership", "payg"] = "payg"
    note: str = Field("", max_length=300)

    model_config = {"json_schema_extra": {"examples": [
        {"resource_id": 12, "date": "2026-12-01", "slot": "morning"},
        {"centre_id": 3, "date": "2026-12-01", "slot": "full_day"},
        {"resource_id": 40, "date": "2026-12-01", "slot": "range",
         "start_time": "10:00", "end_time": "11:30"},
    ]}}


class SeriesIn(Schema):
    resource_id: int | None = None
    centre_id: int | None = None
    member_id: int | None = None
    slot: SlotName
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    dates: list[dt.date] | None = Field(None, description="Several days at once.")
    weekly_from: dt.date | None = Field(None, description="First date of a weekly series.")
    weeks: int | None = Field(None, ge=1, le=52, description="How many weeks (with weekly_from).")
    conflict_policy: Literal["all_or_nothing", "skip"] = "all_or_nothing"
    payment_method: Literal["credit", "membership", "payg"] = "payg"
    note: str = Field("", max_length=300)

    model_config = {"json_schema_extra": {"examples": [
        {"resource_id": 12, "slot": "full_day", "weekly_from": "2026-12-01", "weeks": 8,
         "conflict_policy": "skip"},
        {"centre_id": 3, "slot": "morning", "dates": ["2026-12-01", "2026-12-03"]},
    ]}}


class CancelIn(Schema):
    reason: str = Field("", max_length=300, examples=["Meeting moved"])


class MoveIn(Schema):
    resource_id: int | None = None
    date: dt.date | None = None
    slot: SlotName | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None

    model_config = {"json_schema_extra": {"examples": [{"resource_id": 13},
                                                       {"date": "2026-12-02"}]}}


class CheckInIn(Schema):
    via: Literal["reception"] = "reception"


class QrCheckInIn(Schema):
    token: str = Field(..., max_length=100, examples=["3.20261201.4f1c0d9a2b7e5c6d8e9f"])


class BookingOut(Schema):
    id: int
    member_id: int
    member_name: str
    booked_by_id: int
    resource_id: int
    resource_name: str = Field(..., alias="resource.name")
    resource_kind: str = Field(..., alias="resource.kind")
    centre_id: int
    centre_name: str = Field(..., alias="centre.name")
    series_id: int | None
    slot: str
    start: dt.datetime
    end: dt.datetime
    local_start: dt.datetime
    local_end: dt.datetime
    state: str
    checked_in_at: dt.datetime | None
    checked_in_via: str
    cancelled_at: dt.datetime | None
    cancelled_by_id: int | None
    cancel_reason: str
    completed_at: dt.datetime | None
    no_show_at: dt.datetime | None
    hold_until: dt.datetime | None = Field(None, description="pending_approval: the slot "
                                           "is held until then")
    approved_at: dt.datetime | None = None
    approved_by_id: int | None = None
    payment_method: str
    price_net: Decimal | None
    vat_rate: Decimal | None
    credit_minutes: int
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_member_name(obj) -> str:
        return str(obj.member)

    @staticmethod
    def resolve_local_start(obj) -> dt.datetime:
        from smartwork.bookings.slots import to_local

        return to_local(obj.start, obj.centre.timezone)

    @staticmethod
    def resolve_local_end(obj) -> dt.datetime:
        from smartwork.bookings.slots import to_local

        return to_local(obj.end, obj.centre.timezone)


def booking_out_data(obj: Any) -> dict[str, Any]:
    """What `BookingOut` gives for a booking whose member, resource and centre are loaded,
    without the pydantic round trip (the create route answers every booking with it;
    tests/test_hotpath.py checks both give the same, field by field)."""
    from smartwork.bookings.slots import to_local

    tz = obj.centre.timezone
    return {
        "id": obj.pk, "member_id": obj.member_id, "member_name": str(obj.member),
        "booked_by_id": obj.booked_by_id, "resource_id": obj.resource_id,
        "resource_name": obj.resource.name, "resource_kind": str(obj.resource.kind),
        "centre_id": obj.centre_id, "centre_name": obj.centre.name,
        "series_id": obj.series_id, "slot": str(obj.slot), "start": obj.start, "end": obj.end,
        "local_start": to_local(obj.start, tz), "local_end": to_local(obj.end, tz),
        "state": str(obj.state), "checked_in_at": obj.checked_in_at,
        "checked_in_via": str(obj.checked_in_via), "cancelled_at": obj.cancelled_at,
        "cancelled_by_id": obj.cancelled_by_id, "cancel_reason": obj.cancel_reason,
        "completed_at": obj.completed_at, "no_show_at": obj.no_show_at,
        "hold_until": obj.hold_until, "approved_at": obj.approved_at,
        "approved_by_id": obj.approved_by_id, "payment_method": str(obj.payment_method), "price_net": obj.price_net,
        "vat_rate": obj.vat_rate, "credit_minutes": obj.credit_minutes, "note": obj.note,
        "created_at": obj.created_at,
    }


class SkippedOut(Schema):
    date: str
    code: str
    message: str


class SeriesOut(Schema):
    id: int
    member_id: int
    booked_by_id: int
    centre_id: int
    resource_id: int | None
    kind: str
    slot: str
    start_time: dt.time | None
    end_time: dt.time | None
    dates: list[str]
    conflict_policy: str
    skipped: list[SkippedOut]
    created_at: dt.datetime


class SeriesCreatedOut(Schema):
    series: SeriesOut
    bookings: list[BookingOut]
    skipped: list[SkippedOut]


class HoursOut(Schema):
    opens: dt.time
    closes: dt.time


class DayOut(Schema):
    date: dt.date
    open: bool
    reason: str
    hours: list[HoursOut]


class SlotOut(Schema):
    date: dt.date
    slot: str
    start: dt.time
    end: dt.time
    free: bool


class ResourceAvailabilityOut(Schema):
    id: int
    name: str
    kind: str
    capacity: int
    equipment: list[str]
    free_count: int
    slots: list[SlotOut]


class CentreAvailabilityOut(Schema):
    centre_id: int
    timezone: str
    date_from: dt.date
    date_to: dt.date
    days: list[DayOut]
    resources: list[ResourceAvailabilityOut]


class CentreBriefOut(Schema):
    id: int
    name: str
    slug: str
    city: str
    address: str
    lat: Decimal
    lon: Decimal
    network_id: int


class DeskNearOut(Schema):
    centre: CentreBriefOut
    distance_km: float
    free_desks: int
    date: dt.date
    slot: str
    start: dt.time
    end: dt.time


class RoomBriefOut(Schema):
    id: int
    name: str
    kind: str
    capacity: int
    equipment: list[str]


class RoomFreeOut(Schema):
    resource: RoomBriefOut
    centre: CentreBriefOut
    distance_km: float | None
    date: dt.date
    start: dt.time
    end: dt.time


class CheckInCodeOut(Schema):
    centre_id: int
    token: str
    url: str
    svg: str
    valid_on: dt.date


class CalendarFeedOut(Schema):
    url: str


class RejectIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300,
                        examples=["Over budget this month; book a desk at the office."])

    model_config = {"json_schema_extra": {"examples": [
        {"reason": "Over budget this month; book a desk at the office."}]}}

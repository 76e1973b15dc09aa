from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class NetworkOut(Schema):
    id: int
    name: str
    slug: str
    operator_id: int
    operator_name: str = Field(..., alias="operator.legal_name")
    currency: str
    default_vat_rate: Decimal
    commission_rate: Decimal
    booking_window_days: int
    cancellation_deadline_hours: int
    credit_hour_value: Decimal
    desk_half_day_hours: int
    desk_full_day_hours: int
    room_hour_factor: int
    payment_terms_days: int
    wifi_access_rule: str
    label_checklist: list[dict[str, str]]
    mini_label_checklist: list[dict[str, str]]
    mini_credit_percent: int


class NetworkPatch(Schema):
    name: str | None = None
    default_vat_rate: Decimal | None = Field(None, ge=0, le=100)
    commission_rate: Decimal | None = Field(None, ge=0, le=100)
    booking_window_days: int | None = Field(None, ge=0)
    cancellation_deadline_hours: int | None = Field(None, ge=0)
    credit_hour_value: Decimal | None = Field(None, ge=0)
    desk_half_day_hours: int | None = Field(None, ge=1)
    desk_full_day_hours: int | None = Field(None, ge=1)
    room_hour_factor: int | None = Field(None, ge=1)
    payment_terms_days: int | None = Field(None, ge=0)
    wifi_access_rule: str | None = None
    mini_credit_percent: int | None = Field(None, ge=1, le=100)


class AllianceIn(Schema):
    other_network_id: int
    starts_on: dt.date
    ends_on: dt.date | None = None
    clearing_hour_rate: Decimal = Field(Decimal("5.00"), ge=0)
    settlement_period: str = Field("monthly", description="monthly or quarterly")
    open_centre_ids: list[int] = Field(
        [], description="Centres open to the other side's members; none: every labelled centre")


class AllianceTermsIn(Schema):
    settlement_period: str = Field(..., description="monthly or quarterly")
    clearing_hour_rate: Decimal = Field(..., ge=0, max_digits=8, decimal_places=2)
    open_centre_ids: list[int] = []


class VisibilityIn(Schema):
    visibility: str = Field(..., description="everyone, company or partners")
    partner_ids: list[int] = []


class AllianceStatusIn(Schema):
    status: str


class AllianceOut(Schema):
    id: int
    network_a_id: int
    network_b_id: int
    starts_on: dt.date
    ends_on: dt.date | None
    status: str
    clearing_hour_rate: Decimal
    settlement_period: str
    open_centre_ids: list[int]

    @staticmethod
    def resolve_open_centre_ids(obj: Any) -> list[int]:
        return sorted(c.pk for c in obj.open_centres.all())


class CentreOut(Schema):
    id: int
    slug: str
    name: str
    network_id: int
    operator_id: int
    street: str
    postcode: str
    city: str
    country: str
    address_is_demo: bool
    lat: Decimal
    lon: Decimal
    timezone: str
    services: list[str]
    label_status: str
    label_tier: str
    format: str = Field(..., description="full, mini or hosted (company-hosted)")
    visibility: str
    desk_count: int = 0
    distance_km: float | None = None


class ResourceOut(Schema):
    id: int
    centre_id: int
    kind: str
    name: str
    capacity: int
    equipment: list[str]
    is_active: bool


class PriceOut(Schema):
    id: int
    resource_kind: str
    per_half_day: Decimal | None
    per_day: Decimal | None
    per_hour: Decimal | None
    vat_rate: Decimal
    valid_from: dt.date


class HoursOut(Schema):
    weekday: int
    opens: dt.time
    closes: dt.time


class ClosureOut(Schema):
    id: int
    start_date: dt.date
    end_date: dt.date
    reason: str


class CentreDetailOut(CentreOut):
    description: str
    email: str
    phone: str
    morning_start: dt.time
    morning_end: dt.time
    afternoon_start: dt.time
    afternoon_end: dt.time
    no_show_grace_minutes: int
    resources: list[ResourceOut]
    prices: list[PriceOut]
    opening_hours: list[HoursOut]
    closures: list[ClosureOut]


class CentreIn(Schema):
    network_id: int
    operator_id: int
    name: str = Field(..., min_length=1, max_length=150)
    description: str = ""
    street: str = Field(..., min_length=1)
    postcode: str = Field(..., min_length=1)
    city: str = Field(..., min_length=1)
    country: str = "BE"
    address_is_demo: bool = False
    lat: Decimal = Field(..., ge=-90, le=90)
    lon: Decimal = Field(..., ge=-180, le=180)
    timezone: str = "Europe/Brussels"
    morning_start: dt.time = dt.time(8, 30)
    morning_end: dt.time = dt.time(12, 30)
    afternoon_start: dt.time = dt.time(13, 30)
    afternoon_end: dt.time = dt.time(17, 30)
    no_show_grace_minutes: int = Field(30, ge=0, le=480)
    services: list[str] = []
    email: str = ""
    phone: str = ""
    label_tier: str = Field("full", description="full or mini")
    host_company_id: int | None = Field(
        None, description="A customer company opening desks of its own office (it is then "
                          "the operator too)")
    visibility: str = Field("everyone", description="everyone, company or partners")
    partner_ids: list[int] = []


class CentrePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=150)
    description: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    lat: Decimal | None = Field(None, ge=-90, le=90)
    lon: Decimal | None = Field(None, ge=-180, le=180)
    timezone: str | None = None
    morning_start: dt.time | None = None
    morning_end: dt.time | None = None
    afternoon_start: dt.time | None = None
    afternoon_end: dt.time | None = None
    no_show_grace_minutes: int | None = Field(None, ge=0, le=480)
    services: list[str] | None = None
    email: str | None = None
    phone: str | None = None
    label_tier: str | None = None


class HoursIn(Schema):
    weekday: int = Field(..., ge=0, le=6)
    opens: dt.time
    closes: dt.time


class HoursSetIn(Schema):
    hours: list[HoursIn]


class ClosureIn(Schema):
    start_date: dt.date
    end_date: dt.date
    reason: str = Field(..., min_length=1, max_length=200)


class ChecklistAnswer(Schema):
    passed: bool
    note: str = ""


class InspectionIn(Schema):
    visited_on: dt.date
    inspector_name: str = Field(..., min_length=1)
    items: dict[str, ChecklistAnswer]
    notes: str = ""


class InspectionOut(Schema):
    id: int
    centre_id: int
    visited_on: dt.date
    inspector_name: str
    checklist: list[dict[str, object]]
    tier: str
    passed: bool
    notes: str


class LabelChangeIn(Schema):
    status: str
    reason: str = ""


class LabelEventOut(Schema):
    id: int
    centre_id: int
    from_status: str
    to_status: str
    reason: str
    inspection_id: int | None
    created_at: dt.datetime


class ResourceIn(Schema):
    kind: str
    name: str = Field(..., min_length=1, max_length=100)
    capacity: int = Field(1, ge=1, le=500)
    equipment: list[str] = []
    is_active: bool = True


class ResourcePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    capacity: int | None = Field(None, ge=1, le=500)
    equipment: list[str] | None = None
    is_active: bool | None = None


class PriceIn(Schema):
    resource_kind: str
    valid_from: dt.date
    per_half_day: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    per_day: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    per_hour: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    vat_rate: Decimal | None = Field(None, ge=0, le=100)

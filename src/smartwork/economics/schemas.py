from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class RangeQuery(Schema):
    date_from: str | None = Field(None, alias="from", description="First month, YYYY-MM",
                                  examples=["2026-01"])
    date_to: str | None = Field(None, alias="to", description="Last month, YYYY-MM")


class ExportQuery(Schema):
    format: str = Field("csv", description="csv or xlsx")
    table: str | None = Field(None, description="One table (required for CSV)")


class CostIn(Schema):
    kind: str = Field(..., description="rent, staff, services, equipment, other or subsidy")
    label: str = Field(..., max_length=150)
    basis: str = Field("fixed", description="fixed (per month) or per_desk (per desk and month)")
    amount: Decimal = Field(..., description="Monthly amount (never negative)")
    starts_on: dt.date = Field(..., description="Its first month (any day of it)")
    ends_on: dt.date | None = Field(None, description="Its last month, e.g. a subsidy's end")
    note: str = Field("", max_length=300)


class CostVersionIn(Schema):
    basis: str = "fixed"
    amount: Decimal
    starts_on: dt.date
    ends_on: dt.date | None = None
    note: str = Field("", max_length=300)


class PricingIn(Schema):
    change: str = Field(..., description="kind_price, credit_hour_value or commission")
    months: int = Field(12, description="3, 6 or 12 months of real bookings")
    centre_id: int | None = Field(None, description="kind_price: the centre")
    resource_kind: str | None = Field(None, description="kind_price: desk, meeting_room, ...")
    change_pct: Decimal | None = Field(None, description="kind_price: -90 to +300 (%)")
    new_value: Decimal | None = Field(None, description="credit_hour_value: new value; "
                                                         "commission: new rate in %")
    elasticity: Decimal | None = Field(None, description="Assumed price elasticity (<= 0)")


class SiteIn(Schema):
    name: str = Field("", max_length=100)
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    desks: int = Field(..., ge=1, le=500)
    monthly_costs: Decimal = Field(..., description="Rent, staff, services (per month)")
    radius_km: float = Field(15.0, gt=0, le=100)
    days_per_week: Decimal = Field(Decimal("1"), gt=0, le=5)


class ClosingIn(Schema):
    centre_id: int
    months: int = 12

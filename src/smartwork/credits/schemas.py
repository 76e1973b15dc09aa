from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class PackageIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    hours: int = Field(..., gt=0, le=100_000)
    price_net: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2)
    vat_rate: Decimal | None = Field(None, ge=0, le=100)
    validity_months: int = Field(12, gt=0, le=120)


class PackageOut(Schema):
    id: int
    network_id: int
    name: str
    hours: int
    price_net: Decimal
    vat_rate: Decimal
    validity_months: int


class PurchaseIn(Schema):
    package_id: int | None = None
    hours: int | None = Field(None, gt=0, le=100_000, description="Operator only, without package")
    price_net: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    vat_rate: Decimal | None = Field(None, ge=0, le=100)
    validity_months: int | None = Field(None, gt=0, le=120)
    valid_from: dt.date | None = None
    reference: str = Field("", max_length=100)


class PurchaseOut(Schema):
    id: int
    company_id: int
    network_id: int
    package_id: int | None
    minutes: int
    price_net: Decimal
    vat_rate: Decimal
    currency: str
    purchased_on: dt.date
    valid_from: dt.date
    valid_until: dt.date
    reference: str
    balance_minutes: int | None = None


class PoolOut(Schema):
    account_id: int
    purchase_id: int | None
    network_id: int
    valid_from: dt.date
    valid_until: dt.date
    balance_minutes: int


class SummaryOut(Schema):
    company_id: int
    pool_minutes: int
    allotted_minutes: int
    total_minutes: int
    bought_minutes_valid: int
    pools: list[PoolOut]


class AllotmentIn(Schema):
    minutes_per_period: int = Field(..., gt=0, le=10_000_000)
    pool_id: int | None = None
    member_id: int | None = None
    team_id: int | None = None
    centre_ids: list[int] = Field(default_factory=list)
    period: str = Field("whole", pattern="^(monthly|whole)$")
    at_period_end: str = Field("return", pattern="^(return|keep)$")
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class AllotmentOut(Schema):
    id: int
    company_id: int
    pool_id: int
    account_id: int
    member_id: int | None
    team_id: int | None
    centre_ids: list[int]
    minutes_per_period: int
    period: str
    at_period_end: str
    starts_on: dt.date
    ends_on: dt.date | None
    ended_at: dt.datetime | None
    balance_minutes: int

    @staticmethod
    def resolve_centre_ids(obj: object) -> list[int]:
        return [c.pk for c in obj.centres.all()]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_balance_minutes(obj: object) -> int:
        return obj.account.balance_minutes  # type: ignore[attr-defined]


class LedgerEntryOut(Schema):
    id: int
    created_at: dt.datetime
    account_id: int
    account_kind: str = Field(..., alias="account.kind")
    reason: str
    amount_minutes: int
    balance_after: int
    member_id: int | None
    centre_id: int | None
    booking_id: int | None
    purchase_id: int | None
    allotment_id: int | None
    service_date: dt.date | None
    actor_id: int | None
    note: str


class PolicyIn(Schema):
    allowed_centre_ids: list[int] | None = None
    allowed_resource_kinds: list[str] | None = None
    pool_open_to_staff: bool | None = None
    pool_cap_minutes_per_month: int | None = Field(None, gt=0)
    allow_overage: bool | None = None
    approval_beyond_cap: bool | None = Field(
        None, description="Beyond the cap, a booking waits for the company admin's approval "
                          "(pending_approval) instead of being refused (pool_cap_reached).")
    approval_hold_hours: int | None = Field(
        None, ge=1, le=336, description="How long a pending booking holds its slot (hours; "
                                        "never past the booking's start). Default 48.")
    guests_allowed: bool | None = Field(
        None, description="The front desk may book the company's walk-in guests (not on its "
                          "staff), billed to the company pay-as-you-go.")

    model_config = {"json_schema_extra": {"examples": [
        {"pool_cap_minutes_per_month": 960, "approval_beyond_cap": True,
         "approval_hold_hours": 48},
        {"allowed_centre_ids": [4, 7], "allowed_resource_kinds": ["desk"],
         "allow_overage": False},
    ]}}


class CreditPolicyOut(Schema):
    company_id: int
    allowed_centre_ids: list[int]
    allowed_resource_kinds: list[str]
    pool_open_to_staff: bool
    pool_cap_minutes_per_month: int | None
    allow_overage: bool
    approval_beyond_cap: bool
    approval_hold_hours: int
    guests_allowed: bool = False


class AdjustmentIn(Schema):
    minutes: int = Field(..., ge=-6_000_000, le=6_000_000,
                         description="Minutes to add (negative: to take); at most 100,000 h.")
    note: str = Field(..., min_length=1, max_length=300)


class MyAllotmentOut(Schema):
    id: int
    holder: str = Field(..., description="me, team or company")
    team: str | None
    centre_ids: list[int]
    balance_minutes: int
    valid_until: dt.date


class MyMembershipOut(Schema):
    id: int
    plan: str
    state: str
    balance_minutes: int
    period_ends_on: dt.date
    ends_on: dt.date | None


class MyCreditOut(Schema):
    allotments: list[MyAllotmentOut]
    pool_minutes: int
    pool_cap_minutes: int | None
    pool_used_this_month: int
    membership: MyMembershipOut | None


class PlanIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    monthly_fee_net: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2)
    included_hours: int = Field(..., ge=0, le=744)
    vat_rate: Decimal | None = Field(None, ge=0, le=100)
    centre_id: int | None = None


class PlanOut(Schema):
    id: int
    network_id: int
    centre_id: int | None
    name: str
    monthly_fee_net: Decimal
    vat_rate: Decimal
    included_minutes: int


class MembershipIn(Schema):
    plan_id: int
    starts_on: dt.date | None = None


class MembershipOut(Schema):
    id: int
    member_id: int
    plan_id: int
    state: str
    starts_on: dt.date
    ends_on: dt.date | None
    balance_minutes: int

    @staticmethod
    def resolve_balance_minutes(obj: object) -> int:
        return obj.account.balance_minutes  # type: ignore[attr-defined]


class RoamingOut(Schema):
    id: int
    created_at: dt.datetime
    booking_id: int
    member_id: int
    company_id: int
    centre_id: int
    home_network_id: int
    host_network_id: int
    minutes: int
    hour_rate: Decimal
    value: Decimal
    service_date: dt.date

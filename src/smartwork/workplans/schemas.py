"""The API's In/Out schemas of workplans."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class TeamDayIn(Schema):
    team_id: int
    weekday: int = Field(ge=0, le=6)
    place: str = "head_office"
    centre_id: int | None = None


class PolicyIn(Schema):
    effective_from: dt.date
    team_id: int | None = None
    working_days: list[int] = [0, 1, 2, 3, 4]
    cap_mode: str = "together"
    remote_days: int = Field(ge=0, le=7)
    home_days: int | None = None
    centre_days: int | None = None
    anchor_days: list[int] = []
    allowed_places: list[str] = ["head_office", "home", "network_centres", "allied_networks"]
    core_start: dt.time | None = None
    core_end: dt.time | None = None
    disconnect_start: dt.time | None = None
    disconnect_end: dt.time | None = None
    confidentiality: dict[str, str] = {}
    equipment_rules: dict[str, str] = {}
    on_anchor_day: str = "refuse"
    beyond_remote_days: str = "refuse"
    team_days: list[TeamDayIn] = []
    note: str = ""


class TeamDayOut(Schema):
    team_id: int
    weekday: int
    place: str
    centre_id: int | None


class PolicyOut(Schema):
    id: int
    company_id: int
    team_id: int | None
    number: int
    effective_from: dt.date
    working_days: list[int]
    cap_mode: str
    remote_days: int
    home_days: int | None
    centre_days: int | None
    anchor_days: list[int]
    allowed_places: list[str]
    core_start: dt.time | None
    core_end: dt.time | None
    disconnect_start: dt.time | None
    disconnect_end: dt.time | None
    confidentiality: dict[str, str]
    equipment_rules: dict[str, str]
    on_anchor_day: str
    beyond_remote_days: str
    note: str
    created_at: dt.datetime
    team_days: list[TeamDayOut]


class MyPolicyOut(Schema):
    """The employee's policy in their language (texts), and whether they acknowledged it."""

    in_force: PolicyOut | None
    upcoming: PolicyOut | None
    language: str
    confidentiality: str
    equipment_rules: str
    acknowledged_at: dt.datetime | None


class AckOut(Schema):
    version_id: int
    user_id: int
    language: str
    acknowledged_at: dt.datetime


class AckRowOut(Schema):
    user_id: int
    name: str
    email: str
    acknowledged_at: dt.datetime | None
    language: str


class LeadIn(Schema):
    user_id: int


class LeadOut(Schema):
    team_id: int
    user_id: int


class CellOut(Schema):
    day: dt.date
    place: str
    category: str
    centre_id: int | None = None
    centre_name: str = ""
    source: str = ""
    confirmed: bool = False
    hidden: bool = False


class DayInfoOut(Schema):
    day: dt.date
    working: bool
    anchor: bool
    team_day: str
    meets: bool
    counts: dict[str, int]
    folded: bool


class RowOut(Schema):
    user_id: int
    name: str
    cells: list[CellOut]


class WeekOut(Schema):
    monday: dt.date
    policy_id: int | None
    days: list[DayInfoOut]
    rows: list[RowOut]
    never_meets: bool
    remote_days: int | None
    remote_cap: int | None


class TeamWeekOut(Schema):
    team_id: int
    name: str
    size: int
    folded: bool
    never_meets: bool
    days: list[DayInfoOut]


class CompanyWeekOut(Schema):
    monday: dt.date
    size: int
    days: list[DayInfoOut]
    teams: list[TeamWeekOut]


class DayPlanIn(Schema):
    place: str
    centre_id: int | None = None
    note: str = ""


class DayPlanOut(Schema):
    day: dt.date
    place: str
    centre_id: int | None
    note: str


class PlanSettingsIn(Schema):
    show_centre_name: bool


class PlanSettingsOut(Schema):
    show_centre_name: bool
    feed_url: str


class TeamEventIn(Schema):
    day: dt.date
    centre_id: int
    kind: str  # "room" or "desks"
    resource_id: int | None = None
    slot: str = "full_day"
    start_time: dt.time | None = None
    end_time: dt.time | None = None


class TeamEventOut(Schema):
    id: int
    team_id: int
    day: dt.date
    kind: str
    centre_id: int
    resource_id: int | None
    results: list[dict[str, object]]


class ActivityIn(Schema):
    name: str
    team_id: int | None = None
    job_role: str = ""
    time_share: int = Field(0, ge=0, le=100)
    needs_head_office: bool = False
    centre_ok: bool = True
    home_ok: bool = True
    needs_quiet: bool = False
    needs_colleagues: bool = False
    confidential: bool = False


class ActivityOut(Schema):
    id: int
    name: str
    team_id: int | None
    job_role: str
    time_share: int
    needs_head_office: bool
    centre_ok: bool
    home_ok: bool
    needs_quiet: bool
    needs_colleagues: bool
    confidential: bool


class MyActivityOut(Schema):
    activity: ActivityOut
    time_share: int | None
    best_place: str | None


class AnswerIn(Schema):
    time_share: int = Field(ge=0, le=100)
    best_place: str


class ActivityAggOut(Schema):
    activity_id: int
    name: str
    answered: int
    mean_share: float | None
    best: dict[str, int]


class TeamSummaryOut(Schema):
    team_id: int
    name: str
    size: int
    answered: int
    folded: bool
    away_share: float | None
    suggested_remote_days: int | None
    source: str
    activities: list[ActivityAggOut]


class ItemIn(Schema):
    kind: str
    label: str
    serial: str = ""


class LoanOut(Schema):
    id: int
    item_id: int
    user_id: int
    handed_out_on: dt.date
    returned_on: dt.date | None
    acknowledged_at: dt.datetime | None


class ItemOut(Schema):
    id: int
    kind: str
    label: str
    serial: str
    loan: LoanOut | None = None


class HandOutIn(Schema):
    user_id: int
    on: dt.date | None = None


class ReturnIn(Schema):
    on: dt.date | None = None


class SignIn(Schema):
    name: str

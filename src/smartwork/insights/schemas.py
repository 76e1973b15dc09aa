from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class PeriodQuery(Schema):
    period: str | None = Field(None, description="2025, 2025-Q2, 2025-03 or 2025-W14",
                               examples=["2025"])
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")


class ScopeQuery(PeriodQuery):
    company: int | None = None
    centre: int | None = None
    network: int | None = None


class CommuteQuery(PeriodQuery):
    company: int | None = None
    network: int | None = None
    days_per_week: float | None = Field(None, description="Scenario: days a week at a centre")


class ExportQuery(Schema):
    format: str = Field("csv", description="csv or xlsx")
    table: str | None = Field(None, description="One table (required for CSV)")


class CandidateIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    lat: float
    lon: float


class PlacementIn(Schema):
    network_id: int
    k: int = Field(..., ge=1, le=50)
    company_id: int | None = None
    candidates: list[CandidateIn] | None = Field(
        None, max_length=2000, description="Default: the Belgian towns of the data file")
    capacity: float | None = Field(None, gt=0, description="Homes one new site can serve")
    method: str = Field("exact", description="exact (OR-Tools SCIP) or greedy")
    time_limit_s: float | None = Field(None, gt=0, le=60)

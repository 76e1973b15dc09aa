from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class CompanyQuery(Schema):
    company: int


class ResultsQuery(CompanyQuery):
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")


class IndicatorIn(Schema):
    enabled: bool


class ScheduleIn(Schema):
    company: int
    active: bool
    day_of_month: int = 1
    open_days: int = 14


class SurveyIn(Schema):
    company: int
    title: str = Field(..., max_length=150)
    opens_on: dt.date
    closes_on: dt.date
    indicators: list[str] = Field(default_factory=list)


class SurveyOut(Schema):
    id: int
    title: str
    origin: str
    period: str
    opens_on: dt.date
    closes_on: dt.date
    indicators: list[str]


class AnswersIn(Schema):
    answers: dict[str, int | None]


class ObjectivesIn(Schema):
    team: int
    month: dt.date
    objectives_set: int = Field(..., ge=0)
    objectives_met: int = Field(..., ge=0)


class ExportQuery(Schema):
    format: str = Field("xlsx", description="csv or xlsx")
    table: str | None = Field(None, description="One table (required for CSV)")

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
    # The company's own questions to ask (ids); left out: every active one.
    questions: list[int] | None = None


class QuestionIn(Schema):
    company: int
    text: dict[str, str] = Field(..., description="language (fr, nl, de, en) -> the question")
    scale: str = Field(..., description="extent5, frequency5, zero_to_ten or yes_no")
    family: str = Field(..., description="productivity, social or security")


class QuestionActiveIn(Schema):
    active: bool


class QuestionOut(Schema):
    id: int
    key: str
    text: dict[str, str]
    scale: str
    family: str
    active: bool


class SurveyOut(Schema):
    id: int
    title: str
    origin: str
    period: str
    opens_on: dt.date
    closes_on: dt.date
    indicators: list[str]
    own_questions: list[str] = Field(default_factory=list,
                                     description="keys of the company's own questions asked")


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


class PeriodIn(CompanyQuery):
    date_from: dt.date = Field(..., alias="from")
    date_to: dt.date = Field(..., alias="to")


class QuizQuestionIn(Schema):
    question: str
    choices: list[str]
    correct: int | None = None


class ModuleIn(Schema):
    network: int | None = None
    company: int | None = None
    title: str = Field(..., max_length=150)
    kind: str
    language: str
    topic: str = "other"
    body: str = ""
    video_url: str = ""
    checklist: list[str] = Field(default_factory=list)
    quiz: list[QuizQuestionIn] = Field(default_factory=list)
    pass_mark: int = 0
    mandatory: bool = False


class ModuleQuery(Schema):
    company: int | None = None
    network: int | None = None


class CampaignIn(Schema):
    company: int
    title: str = Field(..., max_length=150)
    audience: str
    starts_on: dt.date
    due_on: dt.date
    modules: list[int] = Field(default_factory=list)
    teams: list[int] = Field(default_factory=list)
    newcomers_since: dt.date | None = None
    remind_days_before: int = 3


class CompleteIn(Schema):
    answers: list[int] = Field(default_factory=list)
    checked: list[int] = Field(default_factory=list)


class LegalIn(Schema):
    network: int
    language: str
    topic: str
    title: str = Field(..., max_length=200)
    summary: str = ""
    source_title: str = ""
    source_issuer: str = ""
    source_date: str = ""
    source_url: str = ""
    checked_on: str = ""
    review_by: str = ""


class LegalQuery(Schema):
    language: str | None = None
    network: int | None = None


class EvaluationQuery(CompanyQuery):
    period: str = Field(..., description="2026-Q1, 2026 or 2026-03")


class NetworkEvaluationQuery(Schema):
    network: int
    period: str


class HeadOfficeIn(Schema):
    company: int
    desks: int

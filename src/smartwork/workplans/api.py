"""The API of workplans: parse, call one service or selector, return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router, Status

from smartwork.accounts.models import Organisation, Team
from smartwork.core.errors import InvalidInput, NotFound
from smartwork.network.models import Centre, Resource
from smartwork.workplans import analysis, equipment, plan, policy, teamdays
from smartwork.workplans.models import Activity, PolicyAcknowledgement, PolicyVersion
from smartwork.workplans.schemas import (
    AckOut,
    AckRowOut,
    ActivityIn,
    ActivityOut,
    AnswerIn,
    CompanyWeekOut,
    DayPlanIn,
    DayPlanOut,
    HandOutIn,
    ItemIn,
    ItemOut,
    LeadIn,
    LeadOut,
    LoanOut,
    MyActivityOut,
    MyPolicyOut,
    PlanSettingsIn,
    PlanSettingsOut,
    PolicyIn,
    PolicyOut,
    ReturnIn,
    SignIn,
    TeamEventIn,
    TeamEventOut,
    TeamSummaryOut,
    WeekOut,
)

router = Router(tags=["workplans"])


def _company(company_id: int) -> Organisation:
    company = Organisation.objects.filter(pk=company_id, kind="company").first()
    if company is None:
        raise NotFound(_("No such company."), code="not_found")
    return company


def _team(team_id: int) -> Team:
    team = Team.objects.select_related("company").filter(pk=team_id).first()
    if team is None:
        raise NotFound(_("No such team."), code="not_found")
    return team


def _unknown(field: str) -> InvalidInput:
    return InvalidInput(_("Unknown %(field)s.") % {"field": field},
                        fields={field: [_("Unknown.")]})


def policy_out(version: PolicyVersion) -> dict[str, Any]:
    return {**{f: getattr(version, f) for f in (
        "id", "company_id", "team_id", "number", "effective_from", "cap_mode", "remote_days",
        "home_days", "centre_days", "anchor_days", "allowed_places", "core_start", "core_end",
        "disconnect_start", "disconnect_end", "confidentiality", "equipment_rules",
        "on_anchor_day", "beyond_remote_days", "note", "created_at")},
        "working_days": version.working_days_list,
        "team_days": [{"team_id": d.team_id, "weekday": d.weekday, "place": d.place,
                       "centre_id": d.centre_id} for d in version.team_days.all()]}


# --- The policy ------------------------------------------------------------------------


@router.get("/workplans/me/policy", response=MyPolicyOut,
            summary="My smart-working policy, in my language")
def my_policy(request: HttpRequest) -> Any:
    user: Any = request.user
    policy._authenticated(user)
    current = policy.policy_for_member(member=user)
    upcoming = policy.policy_upcoming_for_member(member=user)
    language = (getattr(user, "language", "") or get_language() or "en")[:2]
    ack = (PolicyAcknowledgement.objects.filter(version=current, user=user).first()
           if current else None)
    return {"in_force": policy_out(current) if current else None,
            "upcoming": policy_out(upcoming) if upcoming else None, "language": language,
            "confidentiality": current.text("confidentiality", language) if current else "",
            "equipment_rules": current.text("equipment_rules", language) if current else "",
            "acknowledged_at": ack.acknowledged_at if ack else None}


@router.post("/workplans/policies/{version_id}/acknowledge", response=AckOut,
             summary="Acknowledge a policy version that applies to me")
def acknowledge(request: HttpRequest, version_id: int) -> Any:
    user: Any = request.user
    version = policy.policy_version_get(actor=user, pk=version_id)
    ack = policy.policy_acknowledge(
        actor=user, version=version,
        language=(getattr(user, "language", "") or get_language() or "en")[:2])
    return {"version_id": ack.version_id, "user_id": ack.user_id, "language": ack.language,
            "acknowledged_at": ack.acknowledged_at}


@router.get("/workplans/companies/{company_id}/policies", response=list[PolicyOut],
            summary="Every version of the company's policy and its teams' (company admin)")
def policy_list(request: HttpRequest, company_id: int) -> Any:
    versions = policy.policy_versions(actor=request.user, company=_company(company_id))  # type: ignore[arg-type]
    return [policy_out(v) for v in versions]


@router.post("/workplans/companies/{company_id}/policies", response={201: PolicyOut},
             summary="A new version of the company's policy or of a team's (company admin)")
def policy_create(request: HttpRequest, company_id: int, data: PolicyIn) -> Any:
    company = _company(company_id)
    payload = data.dict()
    team_id = payload.pop("team_id")
    team = None
    if team_id is not None:
        team = Team.objects.filter(pk=team_id, company=company).first()
        if team is None:
            raise _unknown("team_id")
    version = policy.policy_version_create(actor=request.user, company=company, team=team,  # type: ignore[arg-type]
                                           **payload)
    return Status(201, policy_out(version))


@router.get("/workplans/policies/{version_id}/acknowledgements", response=list[AckRowOut],
            summary="Who acknowledged a version (company admin)")
def acknowledgement_list(request: HttpRequest, version_id: int) -> Any:
    user: Any = request.user
    version = policy.policy_version_get(actor=user, pk=version_id)
    return [{"user_id": r["user"].pk, "name": str(r["user"]), "email": r["user"].email,
             "acknowledged_at": r["acknowledged_at"], "language": r["language"]}
            for r in policy.acknowledgement_report(actor=user, version=version)]


@router.post("/workplans/teams/{team_id}/leads", response={201: LeadOut},
             summary="Make a member of the team its lead (company admin)")
def lead_create(request: HttpRequest, team_id: int, data: LeadIn) -> Any:
    team = _team(team_id)
    user = equipment.user_of_company(company_id=team.company_id, pk=data.user_id)
    lead = policy.team_lead_assign(actor=request.user, team=team, user=user)  # type: ignore[arg-type]
    return Status(201, {"team_id": lead.team_id, "user_id": lead.user_id})


# --- The weekly plan -------------------------------------------------------------------


def _cells(view: plan.WeekView, row: plan.WeekRow) -> list[dict[str, Any]]:
    out = []
    for info, cell in zip(view.days, row.cells, strict=True):
        if cell is None:
            out.append({"day": info.day, "place": "", "category": "", "hidden": True})
        else:
            out.append({"day": info.day, "place": cell.place, "category": cell.category,
                        "centre_id": cell.centre_id, "centre_name": cell.centre_name,
                        "source": cell.source, "confirmed": cell.confirmed})
    return out


def _days(days: list[plan.DayInfo]) -> list[dict[str, Any]]:
    return [{"day": d.day, "working": d.working, "anchor": d.anchor, "team_day": d.team_day,
             "meets": d.meets, "counts": d.counts, "folded": d.folded} for d in days]


def week_out(view: plan.WeekView) -> dict[str, Any]:
    return {"monday": view.monday, "policy_id": view.policy.pk if view.policy else None,
            "days": _days(view.days), "never_meets": view.never_meets,
            "remote_days": view.remote_days, "remote_cap": view.remote_cap,
            "rows": [{"user_id": r.user.pk, "name": str(r.user), "cells": _cells(view, r)}
                     for r in view.rows]}


@router.get("/workplans/me/week", response=WeekOut, summary="My week (any day of it: week)")
def my_week(request: HttpRequest, week: dt.date | None = None) -> Any:
    return week_out(plan.my_week(actor=request.user, monday=week))  # type: ignore[arg-type]


@router.put("/workplans/me/days/{day}", response=DayPlanOut, summary="Plan one of my days")
def my_day(request: HttpRequest, day: dt.date, data: DayPlanIn) -> Any:
    centre = None
    if data.centre_id is not None:
        centre = Centre.objects.filter(pk=data.centre_id).first()
        if centre is None:
            raise _unknown("centre_id")
    row = plan.day_plan_set(actor=request.user, day=day, place=data.place, centre=centre,  # type: ignore[arg-type]
                            note=data.note)
    return {"day": row.day, "place": row.place, "centre_id": row.centre_id, "note": row.note}


@router.put("/workplans/me/plan-settings", response=PlanSettingsOut,
            summary="Whether colleagues see the centre's name (default: only the category)")
def my_settings(request: HttpRequest, data: PlanSettingsIn) -> Any:
    row = plan.plan_settings_set(actor=request.user, show_centre_name=data.show_centre_name)  # type: ignore[arg-type]
    return {"show_centre_name": row.show_centre_name,
            "feed_url": request.build_absolute_uri(reverse("workplans:feed", args=[row.feed_token]))}


@router.get("/workplans/teams/{team_id}/week", response=WeekOut,
            summary="The team's week, as the caller may see it")
def team_week(request: HttpRequest, team_id: int, week: dt.date | None = None) -> Any:
    return week_out(plan.team_week(actor=request.user, team=_team(team_id), monday=week))  # type: ignore[arg-type]


@router.get("/workplans/companies/{company_id}/week", response=CompanyWeekOut,
            summary="The company's week: counts per team and day (company admin)")
def company_week(request: HttpRequest, company_id: int, week: dt.date | None = None) -> Any:
    view = plan.company_week(actor=request.user, company=_company(company_id), monday=week)  # type: ignore[arg-type]
    return {"monday": view.monday, "size": view.size, "days": _days(view.days),
            "teams": [{"team_id": t.team.pk, "name": t.team.name, "size": t.size,
                       "folded": t.folded, "never_meets": t.never_meets,
                       "days": _days(t.days)} for t in view.teams]}


@router.post("/workplans/teams/{team_id}/team-days", response={201: TeamEventOut},
             summary="Book a team day for the whole team (company admin or the team's lead)")
def team_day(request: HttpRequest, team_id: int, data: TeamEventIn) -> Any:
    team = _team(team_id)
    centre = Centre.objects.filter(pk=data.centre_id).first()
    if centre is None:
        raise _unknown("centre_id")
    resource = None
    if data.resource_id is not None:
        resource = Resource.objects.filter(pk=data.resource_id).first()
        if resource is None:
            raise _unknown("resource_id")
    event = teamdays.team_day_book(actor=request.user, team=team, day=data.day, centre=centre,  # type: ignore[arg-type]
                                   kind=data.kind, resource=resource, slot=data.slot,
                                   start_time=data.start_time, end_time=data.end_time)
    return Status(201, {"id": event.pk, "team_id": event.team_id, "day": event.day,
                        "kind": event.kind, "centre_id": event.centre_id,
                        "resource_id": event.resource_id, "results": event.results})


# --- Activity analysis -----------------------------------------------------------------


@router.get("/workplans/companies/{company_id}/activities", response=list[ActivityOut],
            summary="The company's activities (company admin)")
def activity_list(request: HttpRequest, company_id: int) -> Any:
    return analysis.activities_for(actor=request.user, company=_company(company_id))  # type: ignore[arg-type]


@router.post("/workplans/companies/{company_id}/activities", response={201: ActivityOut},
             summary="Add an activity, rated (company admin)")
def activity_create(request: HttpRequest, company_id: int, data: ActivityIn) -> Any:
    company = _company(company_id)
    payload = data.dict()
    team_id = payload.pop("team_id")
    team = Team.objects.filter(pk=team_id, company=company).first() if team_id else None
    if team_id and team is None:
        raise _unknown("team_id")
    return Status(201, analysis.activity_create(actor=request.user, company=company, team=team,  # type: ignore[arg-type]
                                                **payload))


@router.get("/workplans/me/activities", response=list[MyActivityOut],
            summary="My activities and my own answers (private)")
def my_activities(request: HttpRequest) -> Any:
    return [{"activity": a, "time_share": x.time_share if x else None,
             "best_place": x.best_place if x else None}
            for a, x in analysis.my_activities(actor=request.user)]  # type: ignore[arg-type]


@router.put("/workplans/me/activities/{activity_id}", response=MyActivityOut,
            summary="Answer the questionnaire for one of my activities")
def my_answer(request: HttpRequest, activity_id: int, data: AnswerIn) -> Any:
    activity = Activity.objects.filter(pk=activity_id).first()
    if activity is None:
        raise NotFound(_("No such activity."), code="not_found")
    answer = analysis.activity_answer_set(actor=request.user, activity=activity,  # type: ignore[arg-type]
                                          time_share=data.time_share, best_place=data.best_place)
    return {"activity": activity, "time_share": answer.time_share, "best_place": answer.best_place}


@router.get("/workplans/companies/{company_id}/analysis", response=list[TeamSummaryOut],
            summary="The summary per team (aggregates of 5 answers or more; company admin)")
def analysis_summary(request: HttpRequest, company_id: int) -> Any:
    rows = analysis.team_summaries(actor=request.user, company=_company(company_id))  # type: ignore[arg-type]
    return [{"team_id": s.team.pk, "name": s.team.name, "size": s.size, "answered": s.answered,
             "folded": s.folded, "away_share": s.away_share,
             "suggested_remote_days": s.suggested_remote_days, "source": s.source,
             "activities": [{"activity_id": a.activity.pk, "name": a.activity.name,
                             "answered": a.answered, "mean_share": a.mean_share, "best": a.best}
                            for a in s.activities]} for s in rows]


@router.post("/workplans/teams/{team_id}/adopt-analysis", response={201: PolicyOut},
             summary="Adopt the suggested remote days as the team's policy (company admin)")
def analysis_adopt(request: HttpRequest, team_id: int) -> Any:
    version = analysis.analysis_adopt(actor=request.user, team=_team(team_id))  # type: ignore[arg-type]
    return Status(201, policy_out(version))


# --- Equipment -------------------------------------------------------------------------


def _loan(loan: Any) -> dict[str, Any] | None:
    if loan is None:
        return None
    return {"id": loan.pk, "item_id": loan.item_id, "user_id": loan.user_id,
            "handed_out_on": loan.handed_out_on, "returned_on": loan.returned_on,
            "acknowledged_at": loan.acknowledged_at}


@router.get("/workplans/companies/{company_id}/equipment", response=list[ItemOut],
            summary="The company's inventory (company admin)")
def equipment_list(request: HttpRequest, company_id: int) -> Any:
    rows = equipment.equipment_inventory(actor=request.user, company=_company(company_id))  # type: ignore[arg-type]
    return [{"id": r["item"].pk, "kind": r["item"].kind, "label": r["item"].label,
             "serial": r["item"].serial, "loan": _loan(r["loan"])} for r in rows]


@router.post("/workplans/companies/{company_id}/equipment", response={201: ItemOut},
             summary="Add an item to the inventory (company admin)")
def equipment_create(request: HttpRequest, company_id: int, data: ItemIn) -> Any:
    item = equipment.equipment_item_create(actor=request.user, company=_company(company_id),  # type: ignore[arg-type]
                                           **data.dict())
    return Status(201, {"id": item.pk, "kind": item.kind, "label": item.label,
                        "serial": item.serial, "loan": None})


@router.get("/workplans/companies/{company_id}/equipment/leavers", response=list[LoanOut],
            summary="Items still out with people marked as leaving (company admin)")
def equipment_leavers(request: HttpRequest, company_id: int) -> Any:
    return [_loan(x) for x in equipment.equipment_of_leavers(actor=request.user,  # type: ignore[arg-type]
                                                             company=_company(company_id))]


@router.post("/workplans/equipment/{item_id}/hand-out", response={201: LoanOut},
             summary="Hand an item out to an employee (company admin)")
def equipment_hand_out(request: HttpRequest, item_id: int, data: HandOutIn) -> Any:
    item = equipment.item_get(actor=request.user, pk=item_id)  # type: ignore[arg-type]
    user = equipment.user_of_company(company_id=item.company_id, pk=data.user_id)
    loan = equipment.equipment_hand_out(actor=request.user, item=item, user=user, on=data.on)  # type: ignore[arg-type]
    return Status(201, _loan(loan))


@router.post("/workplans/equipment/loans/{loan_id}/return", response=LoanOut,
             summary="Record an item's return (company admin)")
def equipment_return(request: HttpRequest, loan_id: int, data: ReturnIn) -> Any:
    loan = equipment.loan_get(actor=request.user, pk=loan_id)  # type: ignore[arg-type]
    return _loan(equipment.equipment_return(actor=request.user, loan=loan, on=data.on))  # type: ignore[arg-type]


@router.get("/workplans/me/equipment", response=list[LoanOut], summary="What I hold, and held")
def my_equipment(request: HttpRequest) -> Any:
    return [_loan(x) for x in equipment.my_equipment(actor=request.user)]  # type: ignore[arg-type]


@router.post("/workplans/me/equipment/{loan_id}/acknowledge", response=LoanOut,
             summary="Sign for an item I hold (my full name)")
def my_equipment_sign(request: HttpRequest, loan_id: int, data: SignIn) -> Any:
    loan = equipment.loan_get(actor=request.user, pk=loan_id)  # type: ignore[arg-type]
    return _loan(equipment.equipment_acknowledge(actor=request.user, loan=loan, name=data.name))  # type: ignore[arg-type]


__all__ = ["router"]

"""The activity analysis: which tasks require presence, which can be done elsewhere.

The company's admin keeps activities per team (or job role), each rated. Employees may
answer a short questionnaire about their own activities: the answers are private (the
employee reads and changes their own); the company sees a team's aggregate only where
at least 5 of its people answered (the privacy threshold of insights). The summary per
team gives the share of time that can be done away from the head office and a
suggested number of remote days a week, which the admin adopts as the team's policy
in one step (a new team version).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, Team, TeamMembership, User
from smartwork.core import fastsql
from smartwork.core.audit import audit_entry, audit_log
from smartwork.core.errors import Forbidden, InvalidInput, NotAuthenticated, NotFound
from smartwork.core.permissions import require
from smartwork.workplans.choices import PRIVACY_THRESHOLD, BestPlace
from smartwork.workplans.models import Activity, ActivityAnswer, PolicyVersion
from smartwork.workplans.policy import (
    ACTION,
    policy_copy_fields,
    policy_in_force,
    policy_version_create,
)

RATING_FIELDS = ("needs_head_office", "centre_ok", "home_ok", "needs_quiet", "needs_colleagues",
                 "confidential")


def _authenticated(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated(_("Log in first."))


def activity_create(*, actor: User, company: Organisation, name: str, team: Team | None = None,
                    job_role: str = "", time_share: int = 0, **ratings: bool) -> Activity:
    _authenticated(actor)
    require(actor, ACTION, company=company)
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Required.")]
    if team is not None and team.company_id != company.pk:
        errors["team_id"] = [_("A team of the company.")]
    if not 0 <= int(time_share) <= 100:
        errors["time_share"] = [_("A share from 0 to 100 %.")]
    unknown = set(ratings) - set(RATING_FIELDS)
    if unknown:
        errors["ratings"] = [_("Unknown rating.")]
    if errors:
        raise InvalidInput(_("The activity is not valid: see the fields."), code="invalid",
                           fields=errors)
    activity = Activity.objects.create(company=company, team=team, job_role=job_role[:100],
                                       name=name[:150], time_share=int(time_share),
                                       **{k: bool(v) for k, v in ratings.items()})
    audit_log(actor=actor, action="workplans.activity_created", obj=activity,
              data={"team": team.pk if team else None, "name": activity.name})
    return activity


def activity_retire(*, actor: User, activity: Activity) -> Activity:
    _authenticated(actor)
    require(actor, ACTION, company=activity.company_id)
    activity.is_active = False
    activity.save(update_fields=["is_active"])
    audit_log(actor=actor, action="workplans.activity_retired", obj=activity, data={})
    return activity


def activities_for(*, actor: User, company: Organisation) -> list[Activity]:
    _authenticated(actor)
    require(actor, ACTION, company=company)
    return list(Activity.objects.filter(company=company, is_active=True).select_related("team"))


def my_activities(*, actor: User) -> list[tuple[Activity, ActivityAnswer | None]]:
    """The activities of the actor's teams (and the company's without a team), with the
    actor's own answer."""
    _authenticated(actor)
    if not actor.company_id:
        return []
    teams = list(TeamMembership.objects.filter(user=actor).values_list("team_id", flat=True))
    activities = list(Activity.objects.filter(company_id=actor.company_id, is_active=True)
                      .filter(Q(team_id__in=teams) | Q(team__isnull=True))
                      .select_related("team"))
    answers = {a.activity_id: a for a in ActivityAnswer.objects.filter(user=actor)}
    return [(a, answers.get(a.pk)) for a in activities]


def activity_answer_set(*, actor: User, activity: Activity, time_share: int,
                        best_place: str) -> ActivityAnswer:
    """The employee's own answer (private); answering again changes it."""
    _authenticated(actor)
    mine = {a.pk for a, _answer in my_activities(actor=actor)}
    if activity.pk not in mine:
        raise NotFound(_("No such activity."), code="not_found")
    errors: dict[str, list[str]] = {}
    if not 0 <= int(time_share) <= 100:
        errors["time_share"] = [_("A share from 0 to 100 %.")]
    if best_place not in BestPlace.values:
        errors["best_place"] = [_("Unknown choice.")]
    if errors:
        raise InvalidInput(_("The answer is not valid: see the fields."), code="invalid",
                           fields=errors)
    answer, _created = ActivityAnswer.objects.update_or_create(
        activity=activity, user=actor,
        defaults={"time_share": int(time_share), "best_place": best_place})
    entry = audit_entry(actor=actor, action="workplans.activity_answered", obj=answer,
                        data={"activity": activity.pk})
    entry.network_id = None  # private: no operator reads it
    fastsql.insert(entry)
    return answer


@dataclass
class ActivityAggregate:
    activity: Activity
    answered: int
    mean_share: float | None  # folded under the threshold
    best: dict[str, int] = field(default_factory=dict)


@dataclass
class TeamSummary:
    team: Team
    size: int
    answered: int
    folded: bool
    away_share: float | None  # 0..1
    suggested_remote_days: int | None
    source: str  # "answers" or "ratings"
    activities: list[ActivityAggregate]
    policy: PolicyVersion | None


def _rated_away(activity: Activity) -> bool:
    return not activity.needs_head_office and (activity.centre_ok or activity.home_ok)


def suggested_days(away_share: float, working_days: int, anchors: int) -> int:
    """Remote days a week: the share of time away, in whole days, within the days that
    are not anchor days."""
    return max(0, min(int(away_share * working_days + 1e-9), working_days - anchors))


def team_summaries(*, actor: User, company: Organisation,
                   today: dt.date | None = None) -> list[TeamSummary]:
    """Per team: from answers where 5 or more answered, else from the admin's ratings
    and estimated shares. Never one person's answer."""
    _authenticated(actor)
    require(actor, ACTION, company=company)
    today = today or timezone.localdate()
    activities = list(Activity.objects.filter(company=company, is_active=True))
    answers = defaultdict(list)
    for answer in ActivityAnswer.objects.filter(activity__company=company,
                                                activity__is_active=True):
        answers[answer.activity_id].append(answer)
    members: dict[int, set[int]] = defaultdict(set)
    for team_id, user_id in TeamMembership.objects.filter(
            team__company=company, user__is_active=True).values_list("team_id", "user_id"):
        members[team_id].add(user_id)
    out = []
    for team in Team.objects.filter(company=company).order_by("name"):
        own = [a for a in activities if a.team_id in (team.pk, None)]
        people = members.get(team.pk, set())
        team_answers = {a.pk: [x for x in answers.get(a.pk, []) if x.user_id in people]
                        for a in own}
        answered = len({x.user_id for rows in team_answers.values() for x in rows})
        folded = answered < PRIVACY_THRESHOLD
        aggregates = []
        for activity in own:
            rows = team_answers[activity.pk]
            if folded:
                aggregates.append(ActivityAggregate(activity, 0, None))
                continue
            best: dict[str, int] = defaultdict(int)
            for x in rows:
                best[x.best_place] += 1
            mean = sum(x.time_share for x in rows) / len(rows) if rows else None
            aggregates.append(ActivityAggregate(activity, len(rows), mean, dict(best)))
        policy = policy_in_force(company_id=company.pk, team_ids=[team.pk], on=today)
        working = len(policy.working_days_list) if policy else 5
        anchors = len(policy.anchor_days) if policy else 0
        if not folded:
            away = total = 0.0
            for activity in own:
                for x in team_answers[activity.pk]:
                    total += x.time_share
                    if not activity.needs_head_office and x.best_place != BestPlace.HEAD_OFFICE:
                        away += x.time_share
            share = away / total if total else None
            source = "answers"
        else:
            total = sum(a.time_share for a in own)
            share = (sum(a.time_share for a in own if _rated_away(a)) / total) if total else None
            source = "ratings"
        out.append(TeamSummary(
            team=team, size=len(people), answered=answered if not folded else 0, folded=folded,
            away_share=share, source=source, activities=aggregates, policy=policy,
            suggested_remote_days=None if share is None else suggested_days(share, working,
                                                                             anchors)))
    return out


def analysis_adopt(*, actor: User, team: Team, today: dt.date | None = None) -> PolicyVersion:
    """Adopt the suggested remote days as the team's policy: a new team version, the rest
    copied from the policy in force for the team (the company's or the team's own)."""
    _authenticated(actor)
    require(actor, ACTION, company=team.company_id)
    today = today or timezone.localdate()
    summary = next((s for s in team_summaries(actor=actor, company=team.company, today=today)
                    if s.team.pk == team.pk), None)
    if summary is None or summary.suggested_remote_days is None:
        raise InvalidInput(_("No suggestion yet for this team: rate its activities first."),
                           code="no_suggestion")
    base = summary.policy
    if base is None:
        raise Forbidden(_("Write the company's policy first; a team's policy overrides it."),
                        code="no_company_policy")
    fields = policy_copy_fields(base)
    fields["remote_days"] = summary.suggested_remote_days
    last = PolicyVersion.objects.filter(team=team).order_by("-effective_from").first()
    effective = today if last is None or last.effective_from < today else (
        last.effective_from + dt.timedelta(days=1))
    with transaction.atomic():
        version = policy_version_create(
            actor=actor, company=team.company, team=team, effective_from=effective,
            note=_("Adopted from the activity analysis"), today=today, **fields)
        audit_log(actor=actor, action="workplans.analysis_adopted", obj=version,
                  data={"team": team.pk, "remote_days": summary.suggested_remote_days,
                        "source": summary.source})
    return version

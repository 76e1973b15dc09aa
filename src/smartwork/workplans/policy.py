"""The smart-working policy: versions (append-only, per company with team overrides),
team leads and acknowledgements. Writes and the reads they need.

A version is in force from its `effective_from` until the next version of the same
scope (the company, or one team) takes effect. A member's policy on a day is the
latest team version in force of one of their teams, else the company's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, Team, TeamMembership, User
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from smartwork.core.permissions import allowed, require
from smartwork.network.models import Centre
from smartwork.workplans.choices import (
    DEFAULT_WORKING_DAYS,
    AllowedPlace,
    CapMode,
    RuleAction,
    TeamDayPlace,
)
from smartwork.workplans.models import PolicyAcknowledgement, PolicyTeamDay, PolicyVersion, TeamLead

ACTION = "company.smartwork"
TEXT_LANGUAGES = ("en", "fr", "nl")


def _authenticated(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated(_("Log in first."))


def is_company_admin(actor: Any, company_id: int | None) -> bool:
    return company_id is not None and allowed(actor, ACTION, company=company_id)


def led_team_ids(user: Any) -> set[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(TeamLead.objects.filter(user_id=user.pk).values_list("team_id", flat=True))


def require_team_manager(actor: Any, team: Team) -> None:
    """The company's admin, or the team's lead; anyone else (another team's lead) 403."""
    _authenticated(actor)
    if is_company_admin(actor, team.company_id):
        return
    if team.pk in led_team_ids(actor):
        return
    raise Forbidden(_("Only the company's admin or this team's lead may do this."),
                    code="not_team_lead", fields={"team_id": [_("Not your team.")]})


# --- Validation -----------------------------------------------------------------------


def _weekdays(values: Iterable[Any], field: str, errors: dict[str, list[str]]) -> list[int]:
    out = []
    for value in values:
        try:
            day = int(value)
        except (TypeError, ValueError):
            day = -1
        if not 0 <= day <= 6:
            errors.setdefault(field, []).append(_("A weekday is 0 (Monday) to 6 (Sunday)."))
            continue
        if day not in out:
            out.append(day)
    return sorted(out)


def _clean_texts(texts: Mapping[str, str] | None) -> dict[str, str]:
    return {lang: str(texts[lang]).strip()[:5000] for lang in TEXT_LANGUAGES
            if texts and str(texts.get(lang) or "").strip()}


def policy_validate(*, company: Organisation, working_days: Sequence[int],
                    anchor_days: Sequence[int], cap_mode: str, remote_days: int,
                    home_days: int | None, centre_days: int | None,
                    allowed_places: Sequence[str], core_start: dt.time | None,
                    core_end: dt.time | None, disconnect_start: dt.time | None,
                    disconnect_end: dt.time | None, on_anchor_day: str,
                    beyond_remote_days: str, team_days: Sequence[Mapping[str, Any]],
                    ) -> tuple[list[int], list[int], list[dict[str, Any]]]:
    """Everything wrong with a policy, at once (InvalidInput with fields), or the cleaned
    working days, anchor days and team days."""
    errors: dict[str, list[str]] = {}
    working = _weekdays(working_days or DEFAULT_WORKING_DAYS, "working_days", errors)
    if not working:
        errors.setdefault("working_days", []).append(_("Give at least one working day."))
    anchors = _weekdays(anchor_days, "anchor_days", errors)
    if len(anchors) > len(working):
        errors.setdefault("anchor_days", []).append(
            _("More anchor days (%(a)d) than working days (%(w)d).")
            % {"a": len(anchors), "w": len(working)})
    for day in anchors:
        if day >= 5:
            errors.setdefault("anchor_days", []).append(
                _("An anchor day cannot fall on a weekend."))
            break
    else:
        if any(day not in working for day in anchors):
            errors.setdefault("anchor_days", []).append(
                _("An anchor day must be a working day."))
    if cap_mode not in CapMode.values:
        errors.setdefault("cap_mode", []).append(_("Unknown choice."))
    if remote_days < 0 or remote_days > len(working) - len(anchors):
        errors.setdefault("remote_days", []).append(
            _("Remote days must fit in the working days that are not anchor days (%(n)d).")
            % {"n": max(len(working) - len(anchors), 0)})
    if cap_mode == CapMode.SEPARATE:
        for name, value in (("home_days", home_days), ("centre_days", centre_days)):
            if value is None or value < 0 or value > len(working):
                errors.setdefault(name, []).append(
                    _("With separate caps, give the number of days (0 to %(n)d).")
                    % {"n": len(working)})
    bad_places = [p for p in allowed_places if p not in AllowedPlace.values]
    if bad_places:
        errors.setdefault("allowed_places", []).append(_("Unknown place."))
    for start_name, start, end in (("core_start", core_start, core_end),
                                   ("disconnect_start", disconnect_start, disconnect_end)):
        if (start is None) != (end is None):
            errors.setdefault(start_name, []).append(_("Give both times, or neither."))
        elif start_name == "core_start" and start is not None and end is not None and start >= end:
            errors.setdefault(start_name, []).append(_("The start comes before the end."))
    for rule_name, rule_value in (("on_anchor_day", on_anchor_day),
                                  ("beyond_remote_days", beyond_remote_days)):
        if rule_value not in RuleAction.values:
            errors.setdefault(rule_name, []).append(_("Unknown choice."))
    cleaned_days: list[dict[str, Any]] = []
    teams = {t.pk: t for t in Team.objects.filter(company=company)}
    for row in team_days:
        team_id, weekday = row.get("team_id"), row.get("weekday")
        place = str(row.get("place") or TeamDayPlace.HEAD_OFFICE)
        centre_id = row.get("centre_id")
        if team_id not in teams:
            errors.setdefault("team_days", []).append(_("A team day names a team of the company."))
            continue
        if weekday not in working:
            errors.setdefault("team_days", []).append(_("A team day must be a working day."))
            continue
        centre = None
        if place == TeamDayPlace.CENTRE:
            centre = Centre.objects.filter(pk=centre_id).first() if centre_id else None
            if centre is None:
                errors.setdefault("team_days", []).append(
                    _("A team day in a centre names the centre."))
                continue
        elif place != TeamDayPlace.HEAD_OFFICE:
            errors.setdefault("team_days", []).append(_("Unknown place."))
            continue
        if any(d["team_id"] == team_id and d["weekday"] == weekday for d in cleaned_days):
            errors.setdefault("team_days", []).append(_("One team day per team and weekday."))
            continue
        cleaned_days.append({"team_id": team_id, "weekday": weekday, "place": place,
                             "centre": centre})
    if errors:
        raise InvalidInput(_("The policy is not valid: see the fields."), code="invalid_policy",
                           fields=errors)
    return working, anchors, cleaned_days


# --- Versions -------------------------------------------------------------------------


def policy_version_create(
    *, actor: User, company: Organisation, effective_from: dt.date, remote_days: int,
    team: Team | None = None, working_days: Sequence[int] = tuple(DEFAULT_WORKING_DAYS),
    cap_mode: str = CapMode.TOGETHER, home_days: int | None = None,
    centre_days: int | None = None, anchor_days: Sequence[int] = (),
    allowed_places: Sequence[str] = tuple(AllowedPlace.values),
    core_start: dt.time | None = None, core_end: dt.time | None = None,
    disconnect_start: dt.time | None = None, disconnect_end: dt.time | None = None,
    confidentiality: Mapping[str, str] | None = None,
    equipment_rules: Mapping[str, str] | None = None,
    on_anchor_day: str = RuleAction.REFUSE, beyond_remote_days: str = RuleAction.REFUSE,
    team_days: Sequence[Mapping[str, Any]] = (), note: str = "",
    today: dt.date | None = None,
) -> PolicyVersion:
    """A new version of the company's policy (team None) or of a team's override.

    Never an edit: the version takes effect on `effective_from`, which must be today or
    later and after the last version of the same scope (else 409 `overlapping_version`);
    the one before stays in force until then. Everything wrong is said at once (422)."""
    _authenticated(actor)
    require(actor, ACTION, company=company)
    if team is not None and team.company_id != company.pk:
        raise NotFound(_("No such team."), code="not_found")
    today = today or timezone.localdate()
    if effective_from < today:
        raise InvalidInput(_("A new version takes effect today or later: the past is not rewritten."),
                           code="effective_in_past",
                           fields={"effective_from": [_("Today or later.")]})
    working, anchors, days = policy_validate(
        company=company, working_days=working_days, anchor_days=anchor_days,
        cap_mode=cap_mode, remote_days=remote_days, home_days=home_days,
        centre_days=centre_days, allowed_places=allowed_places, core_start=core_start,
        core_end=core_end, disconnect_start=disconnect_start, disconnect_end=disconnect_end,
        on_anchor_day=on_anchor_day, beyond_remote_days=beyond_remote_days,
        team_days=team_days)
    try:
        with transaction.atomic():
            # One writer of a company's versions at a time.
            Organisation.objects.select_for_update().filter(pk=company.pk).values_list("pk").first()
            scope = Q(company=company, team__isnull=True) if team is None else Q(team=team)
            last = PolicyVersion.objects.filter(scope).order_by("-effective_from").first()
            if last is not None and effective_from <= last.effective_from:
                raise Conflict(
                    _("Version %(n)d takes effect on %(date)s: a new version must take effect "
                      "after it (versions never overlap).")
                    % {"n": last.number, "date": last.effective_from},
                    code="overlapping_version",
                    fields={"effective_from": [_("After %(date)s.") % {"date": last.effective_from}]})
            version = PolicyVersion.objects.create(
                company=company, team=team, number=(last.number + 1) if last else 1,
                effective_from=effective_from, working_days=working, cap_mode=cap_mode,
                remote_days=remote_days,
                home_days=home_days if cap_mode == CapMode.SEPARATE else None,
                centre_days=centre_days if cap_mode == CapMode.SEPARATE else None,
                anchor_days=anchors, allowed_places=sorted(set(allowed_places)),
                core_start=core_start, core_end=core_end, disconnect_start=disconnect_start,
                disconnect_end=disconnect_end, confidentiality=_clean_texts(confidentiality),
                equipment_rules=_clean_texts(equipment_rules), on_anchor_day=on_anchor_day,
                beyond_remote_days=beyond_remote_days, note=(note or "")[:300],
                created_by=actor)
            for day in days:
                PolicyTeamDay.objects.create(version=version, team_id=day["team_id"],
                                             weekday=day["weekday"], place=day["place"],
                                             centre=day["centre"])
            audit_log(actor=actor, action="workplans.policy_version_created", obj=version, data={
                "company": company.pk, "team": team.pk if team else None,
                "number": version.number, "effective_from": effective_from.isoformat(),
                "remote_days": remote_days, "anchor_days": anchors, "cap_mode": cap_mode,
            }, network_id=company.network_id)
    except IntegrityError as exc:  # a race past the lock (the unique constraints)
        raise Conflict(_("Another version was written at the same time; try again."),
                       code="overlapping_version") from exc
    return version


def policy_copy_fields(version: PolicyVersion) -> dict[str, Any]:
    """The keyword arguments of `policy_version_create` that reproduce `version` (to
    write the next one with a few changes)."""
    return {
        "working_days": list(version.working_days_list), "cap_mode": version.cap_mode,
        "remote_days": version.remote_days, "home_days": version.home_days,
        "centre_days": version.centre_days, "anchor_days": list(version.anchor_days),
        "allowed_places": list(version.allowed_places), "core_start": version.core_start,
        "core_end": version.core_end, "disconnect_start": version.disconnect_start,
        "disconnect_end": version.disconnect_end,
        "confidentiality": dict(version.confidentiality),
        "equipment_rules": dict(version.equipment_rules),
        "on_anchor_day": version.on_anchor_day,
        "beyond_remote_days": version.beyond_remote_days,
        "team_days": [{"team_id": d.team_id, "weekday": d.weekday, "place": d.place,
                       "centre_id": d.centre_id} for d in version.team_days.all()],
    }


def policy_in_force(*, company_id: int, team_ids: Iterable[int], on: dt.date,
                    ) -> PolicyVersion | None:
    """The version in force on `on` for someone in `team_ids`: a team's override first."""
    qs = PolicyVersion.objects.filter(company_id=company_id, effective_from__lte=on)
    team_ids = list(team_ids)
    if team_ids:
        team = qs.filter(team_id__in=team_ids).order_by("-effective_from", "team_id").first()
        if team is not None:
            return team
    return qs.filter(team__isnull=True).order_by("-effective_from").first()


def member_team_ids(member: Any) -> list[int]:
    return list(TeamMembership.objects.filter(user_id=member.pk).order_by("team_id")
                .values_list("team_id", flat=True))


def policy_for_member(*, member: User, on: dt.date | None = None) -> PolicyVersion | None:
    if not member.company_id:
        return None
    return policy_in_force(company_id=member.company_id, team_ids=member_team_ids(member),
                           on=on or timezone.localdate())


def policy_upcoming_for_member(*, member: User, today: dt.date | None = None,
                               ) -> PolicyVersion | None:
    """A version taking effect after today that will apply to the member (to read ahead)."""
    if not member.company_id:
        return None
    today = today or timezone.localdate()
    teams = member_team_ids(member)
    qs = PolicyVersion.objects.filter(company_id=member.company_id, effective_from__gt=today)
    return (qs.filter(Q(team__isnull=True) | Q(team_id__in=teams))
            .order_by("effective_from").first())


def policy_versions(*, actor: User, company: Organisation) -> list[PolicyVersion]:
    _authenticated(actor)
    require(actor, ACTION, company=company)
    return list(PolicyVersion.objects.filter(company=company).select_related("team", "created_by")
                .prefetch_related("team_days__team", "team_days__centre")
                .order_by("team__name", "-effective_from"))


def policy_version_get(*, actor: User, pk: int) -> PolicyVersion:
    """A version the actor may read: their company's admin, or an employee it applies
    to (the company's version or one of their teams')."""
    _authenticated(actor)
    version = PolicyVersion.objects.select_related("team", "company").filter(pk=pk).first()
    if version is None:
        raise NotFound(_("No such policy version."), code="not_found")
    if is_company_admin(actor, version.company_id):
        return version
    if actor.company_id == version.company_id and (
            version.team_id is None or version.team_id in member_team_ids(actor)):
        return version
    raise NotFound(_("No such policy version."), code="not_found")


# --- Acknowledgements -----------------------------------------------------------------


def policy_acknowledge(*, actor: User, version: PolicyVersion, language: str) -> PolicyAcknowledgement:
    """The employee acknowledges a version that applies to them; twice is once."""
    version = policy_version_get(actor=actor, pk=version.pk)
    if actor.company_id != version.company_id:
        raise Forbidden(_("Only the company's employees acknowledge its policy."),
                        code="not_employee")
    language = language if language in TEXT_LANGUAGES else "en"
    with transaction.atomic():
        existing = PolicyAcknowledgement.objects.filter(version=version, user=actor).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                ack = PolicyAcknowledgement.objects.create(version=version, user=actor,
                                                           language=language)
        except IntegrityError:
            return PolicyAcknowledgement.objects.get(version=version, user=actor)
        audit_log(actor=actor, action="workplans.policy_acknowledged", obj=ack,
                  data={"version": version.pk, "language": language})
    return ack


def acknowledgement_report(*, actor: User, version: PolicyVersion) -> list[dict[str, Any]]:
    """Who, of the employees the version applies to, acknowledged it, and when."""
    require(actor, ACTION, company=version.company_id)
    staff = User.objects.filter(company_id=version.company_id, is_active=True)
    if version.team_id is not None:
        staff = staff.filter(team_memberships__team_id=version.team_id)
    acks = {a.user_id: a for a in PolicyAcknowledgement.objects.filter(version=version)}
    return [{"user": u, "acknowledged_at": acks[u.pk].acknowledged_at if u.pk in acks else None,
             "language": acks[u.pk].language if u.pk in acks else ""}
            for u in staff.order_by("last_name", "first_name", "email")]


# --- Team leads -----------------------------------------------------------------------


def team_lead_assign(*, actor: User, team: Team, user: User) -> TeamLead:
    """Make a member of the team its lead (the company's admin only)."""
    _authenticated(actor)
    require(actor, ACTION, company=team.company_id)
    if not TeamMembership.objects.filter(team=team, user=user).exists():
        raise InvalidInput(_("%(user)s is not in the team %(team)s: a lead is one of the team.")
                           % {"user": user, "team": team.name}, code="lead_not_in_team",
                           fields={"user_id": [_("Not in the team.")]})
    lead, created = TeamLead.objects.get_or_create(team=team, user=user)
    if created:
        audit_log(actor=actor, action="workplans.team_lead_assigned", obj=lead,
                  data={"team": team.pk, "user": user.pk})
    return lead


def team_lead_remove(*, actor: User, team: Team, user: User) -> None:
    _authenticated(actor)
    require(actor, ACTION, company=team.company_id)
    deleted, _rows = TeamLead.objects.filter(team=team, user=user).delete()
    if deleted:
        audit_log(actor=actor, action="workplans.team_lead_removed", obj=team,
                  data={"team": team.pk, "user": user.pk})

"""The awareness and training programme: modules (network library, company's own),
campaigns assigned to the company, teams or newcomers, completion, mails sent once.

Privacy: the admin sees completion counts per team (teams under PRIVACY_MIN_GROUP
members folded); a person's own status is shown to them, and to the admin only for
mandatory modules (such as secure remote work).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, Team, TeamMembership, User
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, InvalidInput, NotFound
from smartwork.core.outbox import task_enqueue_after_commit
from smartwork.core.permissions import require
from smartwork.wellbeing.choices import Audience, ModuleKind, Topic
from smartwork.wellbeing.models import Campaign, CampaignModule, Completion, Module
from smartwork.wellbeing.privacy import min_group

LIBRARY = Path(__file__).resolve().parent / "data" / "library.json"
NEWCOMER_DAYS = 90  # "newcomers" without a date: joined in the 90 days before the start


# --- modules ------------------------------------------------------------------------


def module_validate(*, kind: str, title: str, body: str = "", video_url: str = "",
                    checklist: list[str] | None = None, quiz: list[dict[str, Any]] | None = None,
                    pass_mark: int = 0, language: str = "en", topic: str = Topic.OTHER) -> None:
    fields: dict[str, list[str]] = {}
    if not (title or "").strip():
        fields["title"] = [_("Give the module a title.")]
    if kind not in ModuleKind.values:
        fields["kind"] = [_("Choose article, video, checklist or quiz.")]
    if language not in ("en", "fr", "nl", "de"):
        fields["language"] = [_("Choose English, French, Dutch or German.")]
    if topic not in Topic.values:
        fields["topic"] = [_("Unknown topic.")]
    if kind == ModuleKind.ARTICLE and not (body or "").strip():
        fields["body"] = [_("An article needs a text.")]
    if kind == ModuleKind.VIDEO and not (video_url or "").startswith(("https://", "http://")):
        fields["video_url"] = [_("A video module needs a link (https://…).")]
    if kind == ModuleKind.CHECKLIST and not [c for c in (checklist or []) if str(c).strip()]:
        fields["checklist"] = [_("A checklist needs at least one item.")]
    if kind == ModuleKind.QUIZ:
        questions = quiz or []
        if not questions:
            fields["quiz"] = [_("A quiz needs at least one question.")]
        for i, q in enumerate(questions, start=1):
            choices = q.get("choices") or []
            correct = q.get("correct")
            if not str(q.get("question", "")).strip() or len(choices) < 2:
                fields.setdefault("quiz", []).append(
                    _("Question %(n)s needs a text and at least two answers.") % {"n": i})
            elif not isinstance(correct, int) or isinstance(correct, bool) \
                    or not 0 <= correct < len(choices):
                fields.setdefault("quiz", []).append(
                    _("Question %(n)s has no correct answer: mark one.") % {"n": i})
        if not 1 <= int(pass_mark or 0) <= 100:
            fields["pass_mark"] = [_("A quiz needs a pass mark from 1 to 100 %.")]
    if fields:
        first = fields.get("quiz") or next(iter(fields.values()))
        raise InvalidInput(first[0], code="invalid_module", fields=fields)


def module_create(*, actor: User, title: str, kind: str, language: str, topic: str,
                  network: Any = None, company: Organisation | None = None, body: str = "",
                  video_url: str = "", checklist: list[str] | None = None,
                  quiz: list[dict[str, Any]] | None = None, pass_mark: int = 0,
                  mandatory: bool = False, slug: str = "") -> Module:
    """A module of the network's library (its operator) or of a company (its admin)."""
    if (network is None) == (company is None):
        raise InvalidInput(_("A module belongs to a network's library or to one company."))
    if network is not None:
        require(actor, "wellbeing.library", network=network)
    else:
        require(actor, "wellbeing.manage", company=company)
    module_validate(kind=kind, title=title, body=body, video_url=video_url, checklist=checklist,
                    quiz=quiz, pass_mark=pass_mark, language=language, topic=topic)
    module = Module.objects.create(
        network=network, company=company, slug=slug, language=language, topic=topic, kind=kind,
        title=title.strip(), body=body, video_url=video_url,
        checklist=[c for c in (checklist or []) if str(c).strip()], quiz=quiz or [],
        pass_mark=pass_mark if kind == ModuleKind.QUIZ else 0, mandatory=mandatory)
    audit_log(actor=actor, action="wellbeing.module_created", obj=module,
              data={"kind": kind, "language": language, "scope": "network" if network else
                    "company"},
              network_id=network.pk if network is not None else company.network_id)  # type: ignore[union-attr]
    return module


def module_set_active(*, actor: User, module: Module, active: bool) -> Module:
    if module.network_id is not None:
        require(actor, "wellbeing.library", network=module.network_id)
    else:
        require(actor, "wellbeing.manage", company=module.company)
    module.active = active
    module.save(update_fields=["active"])
    audit_log(actor=actor, action="wellbeing.module_active", obj=module, data={"active": active})
    return module


def library_seed(*, actor: User, network: Any) -> int:
    """Load the starter library (data/library.json, 4 languages) into a network's
    library; modules already there (same slug and language) are left alone."""
    require(actor, "wellbeing.library", network=network)
    data = json.loads(LIBRARY.read_text(encoding="utf-8"))
    have = set(Module.objects.filter(network=network).values_list("slug", "language"))
    created = 0
    with transaction.atomic():
        for spec in data["modules"]:
            for language in ("en", "fr", "nl", "de"):
                if (spec["slug"], language) in have:
                    continue
                module_create(
                    actor=actor, network=network, slug=spec["slug"], language=language,
                    topic=spec["topic"], kind=spec["kind"], title=spec["title"][language],
                    body=spec.get("body", {}).get(language, ""),
                    checklist=spec.get("checklist", {}).get(language),
                    quiz=spec.get("quiz", {}).get(language), pass_mark=spec.get("pass_mark", 0),
                    mandatory=spec.get("mandatory", False))
                created += 1
    return created


def library(*, actor: User, company: Organisation | None = None,
            network: Any = None) -> list[Module]:
    """The modules a company may use (its network's library and its own), or a
    network's library for its operator."""
    if company is not None:
        require(actor, "wellbeing.view", company=company)
        qs = Module.objects.filter(active=True).filter(
            Q(network_id=company.network_id or 0) | Q(company=company))
        return list(qs.order_by("language", "topic", "title"))
    require(actor, "wellbeing.library", network=network)
    return list(Module.objects.filter(network=network).order_by("language", "topic", "title"))


# --- campaigns ------------------------------------------------------------------------


def campaign_create(*, actor: User, company: Organisation, title: str, audience: str,
                    starts_on: dt.date, due_on: dt.date, module_ids: list[int],
                    team_ids: list[int] | None = None, newcomers_since: dt.date | None = None,
                    remind_days_before: int = 3) -> Campaign:
    require(actor, "wellbeing.manage", company=company)
    fields: dict[str, list[str]] = {}
    team_ids = list(dict.fromkeys(team_ids or []))
    if not (title or "").strip():
        fields["title"] = [_("Give the campaign a title.")]
    if audience not in Audience.values:
        fields["audience"] = [_("Choose the whole company, teams or newcomers.")]
    if due_on < starts_on:
        fields["due_on"] = [_("The due date comes after the start.")]
    teams = list(Team.objects.filter(pk__in=team_ids, company=company))
    if len(teams) != len(team_ids):
        fields["teams"] = [_("Choose teams of this company only.")]
    if audience == Audience.TEAMS and not team_ids:
        fields["teams"] = [_("Choose at least one team.")]
    module_ids = list(dict.fromkeys(module_ids or []))
    usable = {m.pk: m for m in Module.objects.filter(pk__in=module_ids, active=True)
              if m.company_id == company.pk or (m.network_id and
                                                m.network_id == company.network_id)}
    if not module_ids:
        fields["modules"] = [_("Choose at least one module.")]
    elif len(usable) != len(module_ids):
        fields["modules"] = [_("Choose modules of your network's library or your own.")]
    if not 0 <= int(remind_days_before) <= 60:
        fields["remind_days_before"] = [_("From 0 to 60 days.")]
    if fields:
        first = fields.get("teams") or fields.get("modules") or next(iter(fields.values()))
        raise InvalidInput(first[0], code="invalid_campaign", fields=fields)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            company=company, title=title.strip(), audience=audience, starts_on=starts_on,
            due_on=due_on, created_by=actor, remind_days_before=remind_days_before,
            newcomers_since=(newcomers_since or starts_on - dt.timedelta(days=NEWCOMER_DAYS))
            if audience == Audience.NEWCOMERS else None)
        if audience == Audience.TEAMS:
            campaign.teams.set(teams)
        CampaignModule.objects.bulk_create([
            CampaignModule(campaign=campaign, module=usable[mid], position=i)
            for i, mid in enumerate(module_ids, start=1)])
        audit_log(actor=actor, action="wellbeing.campaign_created", obj=campaign,
                  data={"audience": audience, "modules": module_ids, "teams": team_ids},
                  network_id=company.network_id)
    return campaign


def campaign_audience(campaign: Campaign) -> QuerySet[User]:
    qs = User.objects.filter(company_id=campaign.company_id, is_active=True)
    if campaign.audience == Audience.TEAMS:
        qs = qs.filter(team_memberships__team__in=campaign.teams.all()).distinct()
    elif campaign.audience == Audience.NEWCOMERS and campaign.newcomers_since:
        qs = qs.filter(date_joined__date__gte=campaign.newcomers_since)
    return qs


def _in_audience(user: User, campaign: Campaign) -> bool:
    return campaign_audience(campaign).filter(pk=user.pk).exists()


def my_assignments(*, actor: User, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The campaigns assigned to this person (started), with their modules and status."""
    if not getattr(actor, "is_authenticated", False) or actor.company_id is None:
        return []
    today = today or timezone.localdate()
    out = []
    campaigns = Campaign.objects.filter(company_id=actor.company_id, starts_on__lte=today)
    done = set(Completion.objects.filter(user=actor).values_list("campaign_id", "module_id"))
    for c in campaigns.prefetch_related("steps__module").order_by("due_on", "pk"):
        if not _in_audience(actor, c):
            continue
        steps = [{"module": s.module, "done": (c.pk, s.module_id) in done} for s in c.steps.all()]
        out.append({"campaign": c, "steps": steps, "done": all(s["done"] for s in steps),
                    "overdue": c.due_on < today and not all(s["done"] for s in steps)})
    return out


def assignment_get(*, actor: User, campaign_id: int, module_id: int) -> tuple[Campaign, Module]:
    campaign = Campaign.objects.filter(pk=campaign_id, company_id=actor.company_id).first()
    step = (CampaignModule.objects.filter(campaign=campaign, module_id=module_id)
            .select_related("module").first() if campaign else None)
    if campaign is None or step is None or not _in_audience(actor, campaign):
        raise NotFound(_("No such module in your campaigns."))
    return campaign, step.module


def module_complete(*, actor: User, campaign: Campaign, module: Module,
                    answers: list[int] | None = None, checked: list[int] | None = None,
                    ) -> dict[str, Any]:
    """Mark a module done: an article or video when read, a checklist when every item is
    ticked, a quiz when the score reaches the pass mark (a failed attempt stores nothing)."""
    if not _in_audience(actor, campaign) or not CampaignModule.objects.filter(
            campaign=campaign, module=module).exists():
        raise NotFound(_("No such module in your campaigns."))
    score = None
    if module.kind == ModuleKind.CHECKLIST:
        ticked = set(checked or [])
        if ticked != set(range(len(module.checklist))):
            raise InvalidInput(_("Tick every item of the checklist."),
                               fields={"checked": [_("Tick every item of the checklist.")]})
    if module.kind == ModuleKind.QUIZ:
        given = list(answers or [])
        if len(given) != len(module.quiz):
            raise InvalidInput(_("Answer every question."),
                               fields={"answers": [_("Answer every question.")]})
        right = sum(1 for q, a in zip(module.quiz, given, strict=True) if a == q["correct"])
        score = round(100 * right / len(module.quiz))
        if score < module.pass_mark:
            return {"passed": False, "score": score, "pass_mark": module.pass_mark}
    try:
        with transaction.atomic():
            Completion.objects.create(campaign=campaign, module=module, user=actor, score=score)
    except IntegrityError as exc:
        raise Conflict(_("You have completed this module already."),
                       code="already_completed") from exc
    return {"passed": True, "score": score, "pass_mark": module.pass_mark}


def campaign_progress(*, actor: User, campaign: Campaign) -> dict[str, Any]:
    """Completion counts per module and per team (teams under k folded); individual
    status only for mandatory modules."""
    company = campaign.company
    require(actor, "wellbeing.view", company=company)
    k = min_group()
    audience = list(campaign_audience(campaign).values_list("pk", flat=True))
    steps = list(campaign.steps.select_related("module"))
    completions = set(Completion.objects.filter(campaign=campaign)
                      .values_list("user_id", "module_id"))
    all_done = {u for u in audience if all((u, s.module_id) in completions for s in steps)}
    modules = [{"title": s.module.title, "kind": s.module.kind, "mandatory": s.module.mandatory,
                "done": sum(1 for u in audience if (u, s.module_id) in completions)}
               for s in steps]
    team_rows = []
    small = {"people": 0, "done": 0, "teams": 0}
    members: dict[int, set[int]] = {}
    for team_id, user_id in TeamMembership.objects.filter(
            team__company=company, user_id__in=audience).values_list("team_id", "user_id"):
        members.setdefault(team_id, set()).add(user_id)
    names = dict(Team.objects.filter(company=company).values_list("pk", "name"))
    for team_id, people in sorted(members.items(), key=lambda t: names.get(t[0], "")):
        done_here = len(people & all_done)
        row: dict[str, Any] = {"team": names.get(team_id, "?"), "people": len(people),
                               "done": done_here}
        if len(people) >= k:
            team_rows.append(row)
        else:
            small["people"] += len(people)
            small["done"] += done_here
            small["teams"] += 1
    if small["teams"] and small["people"] >= k:
        team_rows.append({"team": _("Other teams (under %(k)s people each)") % {"k": k},
                          "people": small["people"], "done": small["done"]})
    mandatory = []
    mandatory_steps = [s for s in steps if s.module.mandatory]
    if mandatory_steps:
        for user in User.objects.filter(pk__in=audience).order_by("last_name", "first_name"):
            mandatory.append({"name": user.get_full_name() or user.email,
                              "modules": [(s.module.title, (user.pk, s.module_id) in completions)
                                          for s in mandatory_steps]})
    return {"audience": len(audience), "completed": len(all_done), "modules": modules,
            "teams": team_rows, "mandatory": mandatory, "min_group": k}


def campaign_list(*, actor: User, company: Organisation) -> list[Campaign]:
    require(actor, "wellbeing.view", company=company)
    return list(Campaign.objects.filter(company=company).prefetch_related("steps__module"))


# --- mails, sent once --------------------------------------------------------------------


def campaigns_send_mails(*, today: dt.date | None = None) -> dict[str, int]:
    """Launch mail when a campaign starts, one reminder `remind_days_before` its due date
    (to those not done). Each is sent by the run whose conditional UPDATE flips its mark
    from NULL; any other run, at once or later, sends nothing."""
    from smartwork.wellbeing.tasks import campaign_mail

    today = today or timezone.localdate()
    launched = reminded = 0
    for pk in list(Campaign.objects.filter(launch_mailed_at__isnull=True, starts_on__lte=today,
                                           due_on__gte=today).values_list("pk", flat=True)):
        with transaction.atomic():
            if Campaign.objects.filter(pk=pk, launch_mailed_at__isnull=True).update(
                    launch_mailed_at=timezone.now()):
                task_enqueue_after_commit(campaign_mail, pk, "launch")
                launched += 1
    for c in list(Campaign.objects.filter(reminder_mailed_at__isnull=True, starts_on__lte=today,
                                          due_on__gte=today)):
        if today < c.due_on - dt.timedelta(days=c.remind_days_before):
            continue
        with transaction.atomic():
            if Campaign.objects.filter(pk=c.pk, reminder_mailed_at__isnull=True).update(
                    reminder_mailed_at=timezone.now()):
                task_enqueue_after_commit(campaign_mail, c.pk, "reminder")
                reminded += 1
    return {"launched": launched, "reminded": reminded}


def campaign_recipients(*, campaign: Campaign, kind: str) -> list[User]:
    people = list(campaign_audience(campaign).order_by("pk"))
    if kind != "reminder":
        return people
    steps = list(campaign.steps.values_list("module_id", flat=True))
    done = set(Completion.objects.filter(campaign=campaign).values_list("user_id", "module_id"))
    return [u for u in people if not all((u.pk, m) in done for m in steps)]

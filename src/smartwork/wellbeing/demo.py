"""Demo: the wellbeing part for Meuse Énergie (the large account) and the networks.

- the starter training library and the verified legal entries in both networks;
- Meuse Énergie: four teams (kept if they exist), 120 desks at the head office, the
  monthly schedule, six months of pulse surveys answered by about three quarters of
  the staff, whose scores rise after the change of the smart-working policy three
  months ago (a second version with 2 remote days and a Tuesday anchor day, created
  here unless the company's policy already has a later version), this month's survey
  open until the 28th (the demo member has not answered it yet), the weekly plans of
  the eight past weeks (head office on anchor days, remote days at home or in a
  centre), and a running awareness campaign with part of the staff done.
Every choice comes from a seeded random generator: two loads give the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from smartwork.accounts.models import Team, TeamMembership, User
from smartwork.wellbeing import evaluation, legal, own_questions, services, training
from smartwork.wellbeing.models import Module, Survey

TEAMS = ("Réseau", "Clientèle", "Informatique", "Support")
SEED = 19


OWN_QUESTION = {
    "fr": "Nos journées d'équipe valent le déplacement.",
    "nl": "Onze teamdagen zijn de verplaatsing waard.",
    "de": "Unsere Teamtage sind die Anreise wert.",
    "en": "Our team days are worth the trip.",
}


def _month_start(day: dt.date, back: int) -> dt.date:
    y, m = day.year, day.month - back
    while m <= 0:
        y, m = y - 1, m + 12
    return dt.date(y, m, 1)


def _policy(company: Any, admin: User, today: dt.date) -> dt.date:
    """The date the policy changed (version 2): created here when the company has no
    version after it yet; an existing later version is left as it is."""
    from smartwork.workplans.models import PolicyVersion
    from smartwork.workplans.policy import policy_version_create

    change = _month_start(today, 3)
    start = _month_start(today, 8)
    versions = list(PolicyVersion.objects.filter(company=company, team__isnull=True)
                    .order_by("effective_from"))
    if not versions:
        policy_version_create(actor=admin, company=company, effective_from=start,
                              remote_days=1, anchor_days=[1, 3], today=start,
                              note="demo: before the change")
        versions = list(PolicyVersion.objects.filter(company=company, team__isnull=True))
    if versions[-1].effective_from < change:
        policy_version_create(actor=admin, company=company, effective_from=change,
                              remote_days=2, anchor_days=[1], today=change,
                              note="demo: more remote days, one anchor day")
        return change
    return versions[-1].effective_from


def _answers(rng: random.Random, level: float) -> dict[str, int]:
    def pick(lo: int, hi: int, centre: float) -> int:
        return max(lo, min(hi, round(rng.gauss(centre, 0.9))))

    out = {f"who5_{i}": pick(0, 5, level) for i in range(1, 6)}
    out["iso_1"] = pick(1, 5, 4.2 - level * 0.6)
    out["dig_1"] = pick(1, 5, 3.6 - level * 0.3)
    out["wlb_1"] = pick(1, 5, 1.5 + level * 0.6)
    out["prod_1"] = pick(0, 10, 4 + level * 1.2)
    for key in ("sec_mfa", "sec_updates", "sec_backup", "sec_lock", "sec_network"):
        out[key] = 1 if rng.random() < 0.55 + level * 0.08 else 0
    return out


def _plans(company: Any, staff: list[User], today: dt.date, rng: random.Random) -> None:
    from smartwork.workplans.models import DayPlan

    monday = today - dt.timedelta(days=today.weekday())
    rows = []
    for week in range(8, 0, -1):
        start = monday - dt.timedelta(days=7 * week)
        for person in staff:
            remote = rng.sample([0, 2, 3, 4], 2)
            for wd in range(5):
                day = start + dt.timedelta(days=wd)
                if rng.random() < 0.06:
                    place = "off"
                elif wd in remote:
                    place = "centre" if rng.random() < 0.25 else "home"
                else:
                    place = "head_office"
                rows.append(DayPlan(user=person, company=company, day=day, place=place))
    DayPlan.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def _monthly(company: Any, on: dt.date) -> Survey:
    """The month's survey as the schedule opens it (its title then reads in each reader's
    language, and the periodic job does not open a second one when the demo runs)."""
    services.surveys_open_scheduled(today=on)
    return Survey.objects.get(company=company, period=f"{on:%Y-%m}")


def load(ctx: dict[str, Any]) -> None:
    rng = random.Random(SEED)
    today: dt.date = ctx["today"]
    for key, network in sorted(ctx["networks"].items()):
        operator = ctx["operators"][key]
        training.library_seed(actor=operator, network=network)
        legal.legal_seed(actor=operator, network=network, today=today)

    company = ctx["companies"]["large"]
    admin = ctx["company_admins"]["large"]
    member = ctx["member"]
    staff = [u for u in ctx["employees"]["large"] if u.is_active]
    teams = [Team.objects.get_or_create(company=company, name=name)[0] for name in TEAMS]
    in_team = set(TeamMembership.objects.filter(team__company=company)
                  .values_list("user_id", flat=True))
    TeamMembership.objects.bulk_create(
        [TeamMembership(team=teams[i % len(teams)], user=u)
         for i, u in enumerate(u for u in staff if u.pk not in in_team)],
        ignore_conflicts=True)

    evaluation.head_office_set(actor=admin, company=company, desks=120)
    services.survey_schedule_set(actor=admin, company=company, active=True, day_of_month=1,
                                 open_days=28)
    change = _policy(company, admin, today)

    # A question of the company's own, asked in every survey (its answers drawn apart, so
    # the rest of the demo stays as it was).
    own = own_questions.question_create(actor=admin, company=company, scale="extent5",
                                        family="social", text=OWN_QUESTION)
    own_rng = random.Random(SEED + 1)

    def answers(level: float) -> dict[str, int]:
        return {**_answers(rng, level),
                own.key: max(1, min(5, round(level + own_rng.gauss(0.5, 0.8))))}

    level = {u.pk: rng.gauss(2.4, 0.5) for u in staff}
    for back in range(6, 0, -1):
        opens = _month_start(today, back)
        survey = _monthly(company, opens)
        lift = 0.7 if opens >= change else 0.0
        for person in staff:
            if person.pk != member.pk and rng.random() > 0.75:
                continue
            services.survey_answer(actor=person, survey=survey,
                                   answers=answers(level[person.pk] + lift),
                                   today=opens + dt.timedelta(days=rng.randint(0, 6)))

    current = _monthly(company, today)
    for person in staff:  # (none on the 29th to the 31st: the month's survey has closed)
        if person.pk != member.pk and rng.random() < 0.3 and today <= current.closes_on:
            services.survey_answer(actor=person, survey=current,
                                   answers=answers(level[person.pk] + 0.7),
                                   today=today)

    _plans(company, staff, today, rng)

    walloon = company.network
    modules = {m.slug: m for m in Module.objects.filter(network=walloon, language="fr")}
    campaign = training.campaign_create(
        actor=admin, company=company, title="Bien démarrer en smart working",
        audience="company", starts_on=today - dt.timedelta(days=10),
        due_on=today + dt.timedelta(days=20),
        module_ids=[modules["security"].pk, modules["disconnect"].pk, modules["rituals"].pk])
    for person in staff:
        if person.pk == member.pk:
            continue
        if rng.random() < 0.45:
            training.module_complete(actor=person, campaign=campaign,
                                     module=modules["security"], answers=[1, 0, 1, 1])
            if rng.random() < 0.7:
                training.module_complete(actor=person, campaign=campaign,
                                         module=modules["disconnect"])
    ctx["wellbeing"] = {"campaign": campaign, "current_survey": current, "policy_change": change}

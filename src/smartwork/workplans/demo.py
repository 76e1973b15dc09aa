"""Demo smart working (issue 18), after the credits loader (which made the teams):

- Meuse Énergie: a policy of 2 remote days a week with Tuesday as anchor day, team
  days for Finance (Thursday, head office) and IT (Wednesday, at a Walloon centre),
  texts in three languages; the named member leads their team; activities of both
  teams with answered questionnaires (5 or more people, so aggregates show); a
  planned current week for every employee; an equipment inventory, some signed.
- Brabant Design: a policy of 2 remote days whose breaches wait for approval.

Through the real services. Meuse Énergie's policy has two versions: one remote day
and two anchor days from eight months ago, today's policy from three months ago (each
written as on its day), so the wellbeing demo shows the change in its trends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from smartwork.accounts.models import Team, TeamMembership
from smartwork.core.errors import DomainError
from smartwork.workplans import analysis, equipment, plan, policy
from smartwork.workplans.enforce import week_of
from smartwork.workplans.models import DayPlan

TEXTS: dict[str, dict[str, str]] = {
    "confidentiality": {
        "en": "Lock your screen when you leave it. No customer files on paper outside the head "
              "office. Calls about customers only where nobody can listen in.",
        "fr": "Verrouillez votre écran dès que vous le quittez. Aucun dossier client sur papier "
              "hors du siège. Les appels sur des clients seulement là où personne n'écoute.",
        "nl": "Vergrendel je scherm als je het verlaat. Geen klantendossiers op papier buiten "
              "het hoofdkantoor. Gesprekken over klanten alleen waar niemand meeluistert.",
    },
    "equipment_rules": {
        "en": "The company lends a laptop, a screen and a headset; sign for them here and "
              "return them when you leave. Updates install every Monday.",
        "fr": "L'entreprise prête un ordinateur portable, un écran et un casque ; signez-les "
              "ici et rendez-les à votre départ. Les mises à jour s'installent chaque lundi.",
        "nl": "Het bedrijf leent een laptop, een scherm en een headset uit; teken er hier voor "
              "en geef ze terug als je vertrekt. Updates worden elke maandag geïnstalleerd.",
    },
}
ACTIVITIES: dict[str, list[tuple[str, int, dict[str, Any]]]] = {
    "Finance": [("Month-end closing", 30, {"needs_head_office": True, "confidential": True}),
                ("Reporting and analysis", 40, {"needs_quiet": True}),
                ("Supplier calls", 30, {"needs_colleagues": False})],
    "IT": [("Development", 50, {"needs_quiet": True}),
           ("Incident handling", 20, {"needs_colleagues": True}),
           ("Server room work", 30, {"needs_head_office": True})],
}
ITEMS = [("laptop", "Dell Latitude 5440"), ("laptop", "Lenovo ThinkPad T14"),
         ("screen", "Dell P2723D 27\""), ("headset", "Jabra Evolve2 65"),
         ("router", "Huawei 4G router"), ("chair", "Ergonomic chair")]


def _month_start(day: dt.date, back: int) -> dt.date:
    y, m = day.year, day.month - back
    while m <= 0:
        y, m = y - 1, m + 12
    return dt.date(y, m, 1)


def _members(team: Team) -> list[Any]:
    return [m.user for m in TeamMembership.objects.filter(team=team).select_related("user")
            .order_by("user__email")]


def load(ctx: dict[str, Any]) -> None:
    today: dt.date = ctx["today"]
    monday = week_of(today)[0]
    rng = ctx["rng"]
    meuse = ctx["companies"]["large"]
    admin = ctx["company_admins"]["large"]
    teams = {t.name: t for t in Team.objects.filter(company=meuse)}
    namur = ctx["centre_staff"]["centre"]
    it_centre = next((c for c in ctx["centres"]["walloon"] if "Liège" in c.name), namur)
    team_days = []
    if "Finance" in teams:
        team_days.append({"team_id": teams["Finance"].pk, "weekday": 3, "place": "head_office"})
    if "IT" in teams:
        team_days.append({"team_id": teams["IT"].pk, "weekday": 2, "place": "centre",
                          "centre_id": it_centre.pk})
    # Two versions, so that the change is there to study (wellbeing's trends by policy
    # version): eight months ago one remote day with two anchor days; three months ago
    # the policy of today.
    before, change = _month_start(today, 8), _month_start(today, 3)
    policy.policy_version_create(
        actor=admin, company=meuse, effective_from=before, today=before, remote_days=1,
        anchor_days=[1, 3], note="Demo policy: before the change",
        confidentiality=TEXTS["confidentiality"], equipment_rules=TEXTS["equipment_rules"])
    policy.policy_version_create(
        actor=admin, company=meuse, effective_from=change, today=change, remote_days=2,
        anchor_days=[1], team_days=team_days, core_start=dt.time(9, 30),
        core_end=dt.time(15, 30), disconnect_start=dt.time(19, 0), disconnect_end=dt.time(7, 0),
        note="Demo policy", confidentiality=TEXTS["confidentiality"],
        equipment_rules=TEXTS["equipment_rules"])
    version = policy.policy_in_force(company_id=meuse.pk, team_ids=[], on=monday)
    member = ctx["member"]
    lead_team = TeamMembership.objects.filter(user=member).select_related("team").first()
    if lead_team is None and "Finance" in teams:
        TeamMembership.objects.create(team=teams["Finance"], user=member)
        lead_team = TeamMembership.objects.get(team=teams["Finance"], user=member)
    if lead_team is not None:
        policy.team_lead_assign(actor=admin, team=lead_team.team, user=member)

    # Activity analysis, with answers from every member of Finance and IT.
    for team_name, rows in ACTIVITIES.items():
        team = teams.get(team_name)
        if team is None:
            continue
        created = [analysis.activity_create(actor=admin, company=meuse, team=team, name=name,
                                            time_share=share, **flags)
                   for name, share, flags in rows]
        for person in _members(team):
            for activity in created:
                best = ("head_office" if activity.needs_head_office
                        else rng.choice(["home", "home", "centre", "head_office"]))
                analysis.activity_answer_set(
                    actor=person, activity=activity,
                    time_share=max(5, activity.time_share + rng.randint(-10, 10)),
                    best_place=best)

    # The current week: Tuesday at the head office (anchor), the team day where the
    # team meets, two remote days, the rest at the head office.
    # Through the service for the named member (checked against the policy); the rest of
    # the staff in one statement, following the same pattern (the loader stays fast).
    centres = list(ctx["centres"]["walloon"])
    plan_rows = []
    for person in ctx["employees"]["large"]:
        if person.pk == admin.pk:
            continue
        remote = rng.sample([0, 2, 3, 4], 2)
        for i in range(5):
            day = monday + dt.timedelta(days=i)
            centre = None
            if i == 1:
                place = "head_office"
            elif i in remote:
                place = rng.choice(["home", "home", "centre"])
                centre = rng.choice(centres) if place == "centre" else None
            else:
                place = rng.choice(["head_office"] * 5 + ["travelling", "off"])
            if person.pk == member.pk:
                try:
                    plan.day_plan_set(actor=person, day=day, place=place, centre=centre)
                except DomainError:
                    plan.day_plan_set(actor=person, day=day, place="head_office")
            else:
                plan_rows.append(DayPlan(user=person, company=meuse, day=day, place=place,
                                    centre=centre))
    DayPlan.objects.bulk_create(plan_rows)
    if version is not None:
        policy.policy_acknowledge(actor=member, version=version, language=member.language or "fr")
        for person in ctx["employees"]["large"][: len(ctx["employees"]["large"]) * 2 // 3]:
            if person.pk != admin.pk:
                policy.policy_acknowledge(actor=person, version=version,
                                          language=person.language or "fr")

    # Equipment: a kit for the member and a few colleagues; some signed.
    staff = [p for p in ctx["employees"]["large"] if p.pk != admin.pk][:8]
    serial = 1000
    for n, person in enumerate([member, *[p for p in staff if p.pk != member.pk][:5]]):
        for kind, label in ITEMS[:3] if n == 0 else [ITEMS[n % len(ITEMS)]]:
            serial += 1
            item = equipment.equipment_item_create(actor=admin, company=meuse, kind=kind,
                                                   label=label, serial=f"ME-{serial}")
            loan = equipment.equipment_hand_out(actor=admin, item=item, user=person,
                                                on=today - dt.timedelta(days=30 + n))
            if n % 2 == 1:
                equipment.equipment_acknowledge(actor=person, loan=loan, name=str(person))
    for kind, label in ITEMS[3:]:
        serial += 1
        equipment.equipment_item_create(actor=admin, company=meuse, kind=kind, label=label,
                                        serial=f"ME-{serial}")

    # Brabant Design: beyond its remote days (or on its Monday anchor day), a centre
    # booking waits for the admin's approval.
    brabant = ctx["companies"]["sme_brussels"]
    policy.policy_version_create(
        actor=ctx["company_admins"]["sme_brussels"], company=brabant, effective_from=monday,
        today=monday, remote_days=2, anchor_days=[0], on_anchor_day="approval",
        beyond_remote_days="approval", note="Demo policy",
        confidentiality=TEXTS["confidentiality"], equipment_rules=TEXTS["equipment_rules"])

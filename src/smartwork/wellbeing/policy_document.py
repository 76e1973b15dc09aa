"""The telework policy document: a PDF (WeasyPrint) in the company's language that HR
can annex to the work regulations, listing the rules of the company's smart-working
policy (workplans) in force, its versions, and the legal references of the network's
legal library in that language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, User
from smartwork.core.errors import NotFound
from smartwork.core.permissions import require
from smartwork.wellbeing.models import LegalEntry

LEGAL_TOPICS = ("structural", "occasional", "obligations", "allowances", "insurance",
                "working_time", "data")


def _days(values: list[int]) -> str:
    return ", ".join(str(WEEKDAYS[d]) for d in sorted(values))


def policy_context(*, company: Organisation, language: str,
                   on: dt.date | None = None) -> dict[str, Any]:
    from smartwork.workplans.choices import AllowedPlace, CapMode, RuleAction
    from smartwork.workplans.models import PolicyVersion
    from smartwork.workplans.policy import policy_in_force

    on = on or timezone.localdate()
    version = policy_in_force(company_id=company.pk, team_ids=[], on=on)
    if version is None:
        raise NotFound(_("This company has no smart-working policy in force yet."),
                       code="no_policy")
    places = dict(AllowedPlace.choices)
    actions = dict(RuleAction.choices)
    rules = [
        (_("Working days"), _days(version.working_days_list)),
        (_("Remote days per week"), str(version.remote_days)),
    ]
    if version.cap_mode == CapMode.SEPARATE:
        rules.append((_("Of which at home at most"), str(version.home_days or 0)))
        rules.append((_("Of which in a centre at most"), str(version.centre_days or 0)))
    if version.anchor_days:
        rules.append((_("Anchor days (everyone at the head office)"),
                      _days(list(version.anchor_days))))
    rules.append((_("Places allowed"), ", ".join(str(places.get(p, p))
                                                 for p in version.allowed_places)))
    if version.core_start and version.core_end:
        rules.append((_("Core hours"), f"{version.core_start:%H:%M}–{version.core_end:%H:%M}"))
    if version.disconnect_start and version.disconnect_end:
        rules.append((_("Right to disconnect: no mails from smartwork"),
                      f"{version.disconnect_start:%H:%M}–{version.disconnect_end:%H:%M}"))
    rules.append((_("A centre booking on an anchor day"),
                  str(actions.get(version.on_anchor_day, version.on_anchor_day))))
    rules.append((_("A centre booking beyond the remote days"),
                  str(actions.get(version.beyond_remote_days, version.beyond_remote_days))))
    team_days = [(d.team.name, str(WEEKDAYS[d.weekday]), d.get_place_display(),
                  d.centre.name if d.centre is not None else "")
                 for d in version.team_days.select_related("team", "centre")]
    versions = list(PolicyVersion.objects.filter(company=company, team__isnull=True)
                    .order_by("effective_from"))
    legal = list(LegalEntry.objects.filter(network_id=company.network_id or 0,
                                           language=language,
                                           topic__in=LEGAL_TOPICS).order_by("topic", "title"))
    return {
        "company": company, "version": version, "rules": rules, "team_days": team_days,
        "versions": versions, "legal": legal, "today": on,
        "confidentiality": version.text("confidentiality", language),
        "equipment": version.text("equipment_rules", language),
        "generated_at": timezone.localtime(),
    }


def policy_html(*, actor: User, company: Organisation, language: str | None = None) -> str:
    require(actor, "wellbeing.view", company=company)
    language = language or company.language or "fr"
    with translation.override(language):
        context = policy_context(company=company, language=language)
        return render_to_string("wellbeing/policy_document.html", context)


def policy_pdf(*, actor: User, company: Organisation, language: str | None = None) -> bytes:
    from weasyprint import HTML

    return HTML(string=policy_html(actor=actor, company=company, language=language)).write_pdf()

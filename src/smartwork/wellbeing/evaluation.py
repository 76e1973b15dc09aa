"""The smart-working evaluation: a report per company and period (a quarter or a year)
and the operator's report across its customer companies.

Figures: the policy and its versions; adoption (days at the head office, in a centre, at
home, against the remote days the policy allows); team days; the survey indicators and
their trend (groups under PRIVACY_MIN_GROUP withheld); training completion; commute
time and CO2 saved (insights' commute study); centre usage (insights' attendance); and
the real-estate effect: daily head-office presence (from the weekly plans) — peak,
average and 90th percentile (nearest rank) — against the desks the head office has, and
what the same person-days would cost at the network's centres (mean desk day price).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, User
from smartwork.core.audit import audit_log
from smartwork.core.errors import InvalidInput
from smartwork.core.money import money_round
from smartwork.core.permissions import require
from smartwork.wellbeing import measured, selectors
from smartwork.wellbeing.models import Campaign, HeadOffice
from smartwork.wellbeing.privacy import min_group


def head_office_set(*, actor: User, company: Organisation, desks: int) -> HeadOffice:
    require(actor, "wellbeing.manage", company=company)
    if desks < 0 or desks > 100000:
        why = _("Give the number of desks at the head office (0 or more).")
        raise InvalidInput(why, fields={"desks": [why]})
    with transaction.atomic():
        row, _created = HeadOffice.objects.update_or_create(company=company,
                                                            defaults={"desks": desks})
        audit_log(actor=actor, action="wellbeing.head_office_set", obj=company,
                  data={"desks": desks}, network_id=company.network_id)
    return row


def percentile_nearest_rank(values: list[int], p: float) -> int:
    """The smallest value with at least p % of the values at or below it."""
    if not values:
        return 0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def desk_day_price(*, network_id: int | None, on: dt.date) -> Decimal | None:
    """The mean full-day desk price of the network's labelled centres on a date."""
    from smartwork.network.models import Price

    latest: dict[int, Decimal] = {}
    rows = (Price.objects.filter(centre__network_id=network_id or 0, resource_kind="desk",
                                 centre__label_status="labelled", valid_from__lte=on,
                                 per_day__isnull=False)
            .order_by("centre_id", "valid_from").values_list("centre_id", "per_day"))
    for centre_id, per_day in rows:
        if per_day is not None:
            latest[centre_id] = per_day
    if not latest:
        return None
    return money_round(sum(latest.values(), Decimal("0")) / len(latest))


def real_estate(*, company: Organisation, first: dt.date, last: dt.date,
                days: dict[int, dict[dt.date, Any]]) -> dict[str, Any]:
    working = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    working = [d for d in working if d.weekday() < 5]
    per_day = Counter(d for cells in days.values() for d, c in cells.items()
                      if c.place == "head_office")
    counts = [per_day.get(d, 0) for d in working]
    desks_row = HeadOffice.objects.filter(company=company).first()
    desks = desks_row.desks if desks_row else None
    p90 = percentile_nearest_rank(counts, 90)
    person_days = sum(counts)
    price = desk_day_price(network_id=company.network_id, on=last)
    return {
        "working_days": len(working), "person_days": person_days,
        "peak": max(counts) if counts else 0,
        "average": round(person_days / len(counts), 1) if counts else 0,
        "p90": p90, "desks": desks,
        "desks_spare_at_p90": (desks - p90) if desks is not None else None,
        "desk_day_price": price,
        "cost_in_centres": money_round(price * person_days) if price is not None else None,
    }


def _indicator_summary(results: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for ind in results["indicators"]:
        points = [p for p in results["series"][ind["key"]] if p["mean"] is not None]
        n = sum(p["respondents"] for p in points)
        mean = round(sum(p["mean"] * p["respondents"] for p in points) / n, 1) if n else None
        out.append({"key": ind["key"], "name": ind["name"], "respondents": n or None,
                    "mean": mean, "first": points[0]["mean"] if points else None,
                    "last": points[-1]["mean"] if points else None,
                    "change": round(points[-1]["mean"] - points[0]["mean"], 1)
                    if len(points) > 1 else None})
    return out


def _training(company: Organisation, first: dt.date, last: dt.date,
              actor: User) -> list[dict[str, Any]]:
    from smartwork.wellbeing.training import campaign_progress

    rows = []
    for c in Campaign.objects.filter(company=company, starts_on__lte=last, due_on__gte=first):
        p = campaign_progress(actor=actor, campaign=c)
        rows.append({"title": c.title, "due_on": c.due_on, "audience": p["audience"],
                     "completed": p["completed"],
                     "share": round(100 * p["completed"] / p["audience"], 1)
                     if p["audience"] else None})
    return rows


def company_evaluation(*, actor: User, company: Organisation, period: Any) -> dict[str, Any]:
    require(actor, "wellbeing.view", company=company)
    from smartwork.insights import selectors as insight_selectors
    from smartwork.workplans.models import PolicyVersion

    first, last = period.first, period.last
    facts = measured.company_measured(actor=actor, company=company, first=first, last=last)
    days, _teams = measured._facts(company.pk, first, last)
    results = selectors.company_results(actor=actor, company=company, date_from=first,
                                        date_to=last)
    versions = [{"number": v.number, "effective_from": v.effective_from,
                 "remote_days": v.remote_days, "anchor_days": list(v.anchor_days),
                 "in_period": v.effective_from <= last}
                for v in PolicyVersion.objects.filter(company=company, team__isnull=True)
                .order_by("effective_from")]
    commute = insight_selectors.commute_study(actor=actor, period=period,
                                              company_id=company.pk)
    total = commute.get("total") or {}
    attendance = insight_selectors.attendance_report(actor=actor, period=period,
                                                     company_id=company.pk)
    return {
        "company": {"id": company.pk, "name": company.legal_name},
        "period": {"label": period.label, "first": first, "last": last},
        "min_group": min_group(), "policy_versions": versions,
        "adoption": {k: facts[k] for k in ("days", "remote_days", "remote_days_allowed",
                                           "remote_share_of_allowed",
                                           "remote_days_per_person_week", "staff",
                                           "person_weeks_planned")},
        "team_days_held": facts["team_days_held"], "teams": facts["teams"],
        "indicators": _indicator_summary(results), "by_policy": results["by_policy"],
        "training": _training(company, first, last, actor),
        "objectives": selectors.team_objectives(actor=actor, company=company, first=first,
                                                last=last),
        "commute": {"members": total.get("members", 0),
                    "km": round(total.get("km_per_week", 0) * period.weeks, 1),
                    "hours": round(total.get("hours_per_week", 0) * period.weeks, 1),
                    "kg_co2e": round(total.get("kg_per_week", 0) * period.weeks, 1),
                    "kg_co2e_per_year": total.get("kg_per_year", 0)},
        "centre_usage": {"hours": (attendance.get("total") or {}).get("hours"),
                         "people": (attendance.get("total") or {}).get("people"),
                         "suppressed": (attendance.get("privacy") or {}).get("suppressed")},
        "real_estate": real_estate(company=company, first=first, last=last, days=days),
    }


def network_evaluation(*, actor: User, network: Any, period: Any) -> dict[str, Any]:
    """The same figures across the network's customer companies: sums, and one row per
    company (its survey indicators only where it had enough respondents)."""
    require(actor, "network.reports", network=network)
    rows = []
    totals: Counter[str] = Counter()
    cost = Decimal("0")
    for company in Organisation.objects.filter(network=network, kind="company",
                                               is_active=True).order_by("legal_name"):
        e = company_evaluation(actor=actor, company=company, period=period)
        who5 = next((i for i in e["indicators"] if i["key"] == "who5"), None)
        training_aud = sum(t["audience"] for t in e["training"])
        training_done = sum(t["completed"] for t in e["training"])
        re = e["real_estate"]
        rows.append({"company": company.legal_name, "staff": e["adoption"]["staff"],
                     "remote_days": e["adoption"]["remote_days"],
                     "remote_share_of_allowed": e["adoption"]["remote_share_of_allowed"],
                     "team_days_held": e["team_days_held"],
                     "who5_mean": who5["mean"] if who5 else None,
                     "training_completed": training_done, "training_audience": training_aud,
                     "kg_co2e": e["commute"]["kg_co2e"], "head_office_p90": re["p90"],
                     "desks": re["desks"], "cost_in_centres": re["cost_in_centres"]})
        totals["staff"] += e["adoption"]["staff"]
        totals["remote_days"] += e["adoption"]["remote_days"]
        totals["team_days_held"] += e["team_days_held"]
        totals["training_completed"] += training_done
        totals["training_audience"] += training_aud
        totals["head_office_person_days"] += re["person_days"]
        if re["cost_in_centres"] is not None:
            cost += re["cost_in_centres"]
        totals["kg_co2e_x10"] += round(e["commute"]["kg_co2e"] * 10)
    wellbeing = selectors.network_results(actor=actor, network=network)
    return {"network": {"id": network.pk, "name": network.name},
            "period": {"label": period.label, "first": period.first, "last": period.last},
            "companies": rows,
            "totals": {**{k: v for k, v in totals.items() if k != "kg_co2e_x10"},
                       "kg_co2e": totals["kg_co2e_x10"] / 10,
                       "cost_in_centres": money_round(cost)},
            "wellbeing": wellbeing, "min_group": min_group()}


def evaluation_tables(data: dict[str, Any]) -> dict[str, Any]:
    a = data["adoption"]
    re = data["real_estate"]
    return {
        "summary": (["figure", "value"], [
            ["period", data["period"]["label"]], ["staff", a["staff"]],
            ["days_head_office", a["days"]["head_office"]], ["days_centre", a["days"]["centre"]],
            ["days_home", a["days"]["home"]], ["remote_days", a["remote_days"]],
            ["remote_days_allowed", a["remote_days_allowed"]],
            ["remote_share_of_allowed_pct", a["remote_share_of_allowed"]],
            ["team_days_held", data["team_days_held"]],
            ["commute_km_saved", data["commute"]["km"]],
            ["commute_hours_saved", data["commute"]["hours"]],
            ["kg_co2e_saved", data["commute"]["kg_co2e"]],
            ["centre_hours", data["centre_usage"]["hours"]],
            ["head_office_peak", re["peak"]], ["head_office_average", re["average"]],
            ["head_office_p90", re["p90"]], ["desks", re["desks"]],
            ["desks_spare_at_p90", re["desks_spare_at_p90"]],
            ["desk_day_price_eur", str(re["desk_day_price"]) if re["desk_day_price"] else None],
            ["cost_in_centres_eur",
             str(re["cost_in_centres"]) if re["cost_in_centres"] is not None else None]]),
        "indicators": (["indicator", "respondents", "mean", "first", "last", "change"],
                       [[i["key"], i["respondents"], i["mean"], i["first"], i["last"],
                         i["change"]] for i in data["indicators"]]),
        "policy_versions": (["version", "effective_from", "remote_days"],
                            [[v["number"], str(v["effective_from"]), v["remote_days"]]
                             for v in data["policy_versions"]]),
        "training": (["campaign", "due_on", "audience", "completed", "share_pct"],
                     [[t["title"], str(t["due_on"]), t["audience"], t["completed"], t["share"]]
                      for t in data["training"]]),
        "objectives": (["team", "objectives_set", "objectives_met", "share_pct"],
                       [[t["name"], t["set"], t["met"], t["share"]]
                        for t in data["objectives"]["teams"] if t["set"]]),
        "teams": (["team", "members", "team_days", "isolated"],
                  [[t["team"], t["members"], t["team_days"], t["isolated"]]
                   for t in data["teams"]]),
    }


def network_tables(data: dict[str, Any]) -> dict[str, Any]:
    cols = ["company", "staff", "remote_days", "remote_share_of_allowed", "team_days_held",
            "who5_mean", "training_completed", "training_audience", "kg_co2e",
            "head_office_p90", "desks", "cost_in_centres"]
    return {"companies": (cols, [[str(r[c]) if isinstance(r[c], Decimal) else r[c]
                                  for c in cols] for r in data["companies"]])}

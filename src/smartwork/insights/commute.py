"""Commute study: what working at a nearby centre instead of the head office
saves, per member and in total, per week and per year, by transport mode.

For each member with a home location: the one-way distance home -> head
office and home -> the centre they use (the one where they spent most hours
in the period, else the nearest labelled centre of their network), by their
declared mode (the company's default otherwise). A day at the centre avoids
2 x (office km - centre km). Days per week are the member's real days at a
centre in the period (or a scenario given by the caller); a year is
conf.working_weeks_per_year() weeks. Hours use the mode's speed, kg CO2e the
mode's emission factor from the cited data file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from smartwork.insights import conf
from smartwork.insights.factors import EmissionFactor
from smartwork.insights.routing import DistanceService, Point, hours_for
from smartwork.insights.towns import on_map


@dataclass(frozen=True)
class CommuteInput:
    member_id: int
    name: str
    mode: str
    home: Point | None
    office: Point | None
    centre_id: int | None
    centre_name: str
    centre: Point | None
    centre_basis: str  # "most_used" | "nearest"
    days_in_period: float


@dataclass
class CommuteStudy:
    lines: list[dict[str, Any]] = field(default_factory=list)
    excluded: list[dict[str, Any]] = field(default_factory=list)
    by_mode: list[dict[str, Any]] = field(default_factory=list)
    total: dict[str, Any] = field(default_factory=dict)
    assumptions: dict[str, Any] = field(default_factory=dict)
    factors: list[dict[str, Any]] = field(default_factory=list)


def compute(*, members: list[CommuteInput], weeks_in_period: float,
            factors: dict[str, EmissionFactor], days_per_week: float | None = None,
            distances: DistanceService | None = None) -> CommuteStudy:
    distances = distances or DistanceService()
    weeks_year = conf.working_weeks_per_year()
    study = CommuteStudy()
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    used_modes: set[str] = set()
    sources: set[str] = set()
    for m in members:
        reason = None
        if m.home is None:
            reason = _("no home location")
        elif not on_map(*m.home):
            reason = _("home outside the map")
        elif m.office is None:
            reason = _("no head office location")
        elif m.centre is None:
            reason = _("no centre to compare with")
        if reason:
            study.excluded.append({"member_id": m.member_id, "name": m.name, "reason": reason})
            continue
        assert m.home and m.office and m.centre
        (office_km, centre_km), source = distances.from_origin(m.home, [m.office, m.centre], m.mode)
        sources.add(source)
        per_week_days = (days_per_week if days_per_week is not None
                         else (m.days_in_period / weeks_in_period if weeks_in_period else 0.0))
        km_day = 2 * (office_km - centre_km)
        hours_day = 2 * (hours_for(office_km, m.mode) - hours_for(centre_km, m.mode))
        factor = factors[m.mode].value
        kg_day = km_day * factor
        week = {"km": km_day * per_week_days, "hours": hours_day * per_week_days,
                "kg": kg_day * per_week_days}
        year = {key: v * weeks_year for key, v in week.items()}
        used_modes.add(m.mode)
        study.lines.append({
            "member_id": m.member_id, "name": m.name, "mode": m.mode,
            "centre_id": m.centre_id, "centre": m.centre_name, "centre_basis": m.centre_basis,
            "office_km": round(office_km, 2), "centre_km": round(centre_km, 2),
            "distance_source": source, "days_in_period": m.days_in_period,
            "days_per_week": round(per_week_days, 3),
            "km_per_day": round(km_day, 2), "hours_per_day": round(hours_day, 3),
            "kg_per_day": round(kg_day, 3),
            "km_per_week": round(week["km"], 2), "hours_per_week": round(week["hours"], 2),
            "kg_per_week": round(week["kg"], 2),
            "km_per_year": round(year["km"], 1), "hours_per_year": round(year["hours"], 1),
            "kg_per_year": round(year["kg"], 1),
        })
        s = sums[m.mode]
        s["members"] += 1
        for key in ("km", "hours", "kg"):
            s[f"{key}_per_week"] += week[key]
            s[f"{key}_per_year"] += year[key]
    study.by_mode = [
        {"mode": mode, "label": factors[mode].label_in(get_language()), "members": int(s["members"]),
         "factor": factors[mode].value,
         **{key: round(s[key], 1 if key.endswith("year") else 2)
            for key in ("km_per_week", "hours_per_week", "kg_per_week",
                        "km_per_year", "hours_per_year", "kg_per_year")}}
        for mode, s in sorted(sums.items())
    ]
    study.total = {
        "members": len(study.lines), "excluded": len(study.excluded),
        **{key: round(sum(s[key] for s in sums.values()), 1 if key.endswith("year") else 2)
           for key in ("km_per_week", "hours_per_week", "kg_per_week",
                       "km_per_year", "hours_per_year", "kg_per_year")},
    }
    study.assumptions = {
        "weeks_in_period": round(weeks_in_period, 3), "working_weeks_per_year": weeks_year,
        "days_per_week_scenario": days_per_week,
        "detour_factors": conf.detour_factors(), "speeds_kmh": conf.speeds_kmh(),
        "distance_sources": sorted(sources),
    }
    study.factors = [
        {"mode": f.mode, "label": f.label_in(get_language()), "value": f.value, "unit": f.unit, "source": f.source,
         "url": f.url, "year": f.year, "used": f.mode in used_modes}
        for f in factors.values()
    ]
    return study

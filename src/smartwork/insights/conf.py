"""Insights settings: defaults here, overridable in settings.SMARTWORK.

Every number the commute study and the placement rest on is listed here so that
the report can show it and an operator can change it without touching code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

DATA_DIR = Path(__file__).resolve().parent / "data"

# Road (or track) distance / great-circle distance, per mode. Circuity studies
# for Western Europe find 1.2-1.4 for roads (Ballou et al. 2002; Boscoe et al.
# 2012); buses and trams follow lines with more turns than a car; bikes and
# walkers take shortcuts cars cannot. Engineering assumptions, documented in
# docs/insights.md; override with SMARTWORK["COMMUTE_DETOUR_FACTORS"].
DEFAULT_DETOUR_FACTORS: dict[str, float] = {
    "car": 1.3, "electric_car": 1.3, "bus": 1.5, "train": 1.3, "tram": 1.4,
    "metro": 1.3, "ebike": 1.25, "bike": 1.25, "walk": 1.2,
}

# Door-to-door average speeds (km/h), including congestion, waits and the
# walk to stops. Override with SMARTWORK["COMMUTE_SPEEDS_KMH"].
DEFAULT_SPEEDS_KMH: dict[str, float] = {
    "car": 40.0, "electric_car": 40.0, "bus": 20.0, "train": 45.0, "tram": 18.0,
    "metro": 25.0, "ebike": 20.0, "bike": 15.0, "walk": 5.0,
}

# OSRM profile per mode when an OSRM server is configured; modes not listed
# (rail, tram, metro) keep the great-circle x detour estimate.
DEFAULT_OSRM_PROFILES: dict[str, str] = {
    "car": "driving", "electric_car": "driving", "bus": "driving",
}

# Belgium and its border areas (cross-border workers from Lille, Maastricht,
# Aachen, Luxembourg): (min_lat, max_lat, min_lon, max_lon).
DEFAULT_MAP_BOUNDS = (49.3, 51.7, 2.3, 6.6)

# 52 weeks less 4 weeks of statutory leave and 10 public holidays.
DEFAULT_WORKING_WEEKS_PER_YEAR = 46.0


def _cfg() -> dict[str, Any]:
    return getattr(settings, "SMARTWORK", {}) or {}


def detour_factors() -> dict[str, float]:
    return {**DEFAULT_DETOUR_FACTORS, **_cfg().get("COMMUTE_DETOUR_FACTORS", {})}


def speeds_kmh() -> dict[str, float]:
    return {**DEFAULT_SPEEDS_KMH, **_cfg().get("COMMUTE_SPEEDS_KMH", {})}


def osrm_url() -> str:
    return str(_cfg().get("OSRM_URL") or "").rstrip("/")


def osrm_profiles() -> dict[str, str]:
    return {**DEFAULT_OSRM_PROFILES, **_cfg().get("OSRM_PROFILES", {})}


def osrm_timeout_s() -> float:
    return float(_cfg().get("OSRM_TIMEOUT_S", 5.0))


def map_bounds() -> tuple[float, float, float, float]:
    return tuple(_cfg().get("MAP_BOUNDS", DEFAULT_MAP_BOUNDS))  # type: ignore[return-value]


def working_weeks_per_year() -> float:
    return float(_cfg().get("WORKING_WEEKS_PER_YEAR", DEFAULT_WORKING_WEEKS_PER_YEAR))


def emission_factors_file() -> Path:
    return Path(_cfg().get("EMISSION_FACTORS_FILE") or DATA_DIR / "emission_factors.json")


def towns_file() -> Path:
    return Path(_cfg().get("TOWNS_FILE") or DATA_DIR / "be_towns.csv")


def privacy_min_group() -> int:
    return int(_cfg().get("PRIVACY_MIN_GROUP", 5))


def placement_time_limit_s() -> float:
    return float(_cfg().get("PLACEMENT_TIME_LIMIT_S", 10.0))


def placement_mode() -> str:
    """The mode whose detour factor turns great-circle into travel distance
    in the placement (homes are aggregated, so one mode for all)."""
    return str(_cfg().get("PLACEMENT_MODE", "car"))


def placement_mip_gap() -> float:
    """Relative gap at which SCIP may stop: the answer reports the gap proven."""
    return float(_cfg().get("PLACEMENT_MIP_GAP", 0.001))

"""Belgian towns (candidate sites and the grid homes are aggregated on) and
the map the studies work on."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from smartwork.core.errors import InvalidInput
from smartwork.insights import conf


@dataclass(frozen=True)
class Town:
    name: str
    region: str
    province: str
    lat: float
    lon: float


_cache: dict[str, list[Town]] = {}


def load_towns(path: Path | None = None) -> list[Town]:
    path = Path(path or conf.towns_file())
    key = str(path)
    if key not in _cache:
        towns: list[Town] = []
        with path.open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    lat, lon = float(row["lat"]), float(row["lon"])
                except (KeyError, TypeError, ValueError) as exc:
                    raise ValueError(f"{path.name}:{line}: lat/lon must be numbers") from exc
                if not on_map(lat, lon):
                    raise ValueError(f"{path.name}:{line}: {row['name']} lies outside the map")
                towns.append(Town(name=row["name"], region=row["region"],
                                  province=row["province"], lat=lat, lon=lon))
        _cache[key] = towns
    return _cache[key]


def on_map(lat: float, lon: float) -> bool:
    min_lat, max_lat, min_lon, max_lon = conf.map_bounds()
    return (not math.isnan(lat) and not math.isnan(lon)
            and min_lat <= lat <= max_lat and min_lon <= lon <= max_lon)


def require_on_map(lat: float, lon: float, *, field: str) -> None:
    """A point outside Belgium and its border areas is a clear 422."""
    if not on_map(lat, lon):
        min_lat, max_lat, min_lon, max_lon = conf.map_bounds()
        why = _(
            "(%(lat)s, %(lon)s) lies outside the map (latitude %(a)s-%(b)s, longitude %(c)s-%(d)s)."
        ) % {"lat": lat, "lon": lon, "a": min_lat, "b": max_lat, "c": min_lon, "d": max_lon}
        raise InvalidInput(why, code="outside_map", fields={field: [why]})

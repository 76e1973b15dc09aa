"""Emission factors: read from a data file, validated, cited in every report.

The file (JSON) lists one factor per commute mode with its value in
kg CO2e per passenger-km, its source, unit and year. A factor without a
source, with a negative value, a wrong unit or a mode the members can declare
but the file lacks is refused with an error naming the file and the entry.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from smartwork.accounts.choices import CommuteMode
from smartwork.core.errors import DomainError
from smartwork.insights import conf

UNIT = "kg CO2e/passenger-km"


class EmissionFactorFileError(DomainError):
    """The emission factor file cannot be trusted; nothing is computed from it."""

    status = 422
    code = "emission_factors_invalid"


@dataclass(frozen=True)
class EmissionFactor:
    mode: str
    label: str
    value: float  # kg CO2e per passenger-km
    unit: str
    source: str
    url: str
    year: int
    labels: tuple[tuple[str, str], ...] = ()  # (language, label) from the file's "labels"

    def label_in(self, language: str | None) -> str:
        """The label in `language` ('fr', 'nl', 'de'), else the file's English label."""
        return dict(self.labels).get((language or "")[:2], self.label)


def parse_emission_factors(raw: Any, *, origin: str = "emission factors") -> dict[str, EmissionFactor]:
    """Validate decoded JSON; raise EmissionFactorFileError with the entry at fault."""

    def fail(where: str, why: str) -> EmissionFactorFileError:
        return EmissionFactorFileError(
            _("%(origin)s: %(where)s: %(why)s") % {"origin": origin, "where": where, "why": why},
            fields={where: [why]},
        )

    if not isinstance(raw, dict) or not isinstance(raw.get("factors"), list):
        raise fail("factors", _("the file must hold an object with a list 'factors'."))
    factors: dict[str, EmissionFactor] = {}
    for i, entry in enumerate(raw["factors"]):
        where = f"factors[{i}]"
        if not isinstance(entry, dict):
            raise fail(where, _("each factor must be an object."))
        mode = entry.get("mode")
        if mode not in CommuteMode.values:
            raise fail(f"{where}.mode", _("unknown mode %(mode)r.") % {"mode": mode})
        where = f"factors[{i}] ({mode})"
        if mode in factors:
            raise fail(where, _("mode given twice."))
        source = entry.get("source")
        if not isinstance(source, str) or not source.strip():
            raise fail(f"{where}.source", _("a source is required for every factor."))
        value = entry.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise fail(f"{where}.value", _("the value must be a number."))
        if value < 0:
            raise fail(f"{where}.value", _("the value must not be negative (got %(v)s).") % {"v": value})
        unit = entry.get("unit", raw.get("unit"))
        if unit != UNIT:
            raise fail(f"{where}.unit", _("the unit must be %(unit)r.") % {"unit": UNIT})
        year = entry.get("year")
        if not isinstance(year, int) or not 1990 <= year <= 2100:
            raise fail(f"{where}.year", _("the year must be a whole year such as 2023."))
        factors[mode] = EmissionFactor(
            mode=mode, label=str(entry.get("label") or mode), value=float(value), unit=unit,
            source=source.strip(), url=str(entry.get("url") or ""), year=year,
            labels=tuple(sorted((str(k), str(v)) for k, v in (entry.get("labels") or {}).items()
                                if isinstance(v, str) and v.strip())),
        )
    missing = [m for m in CommuteMode.values if m not in factors]
    if missing:
        raise fail("factors", _("no factor for the modes: %(modes)s.") % {"modes": ", ".join(missing)})
    return factors


_cache: dict[tuple[str, float], dict[str, EmissionFactor]] = {}


def load_emission_factors(path: Path | None = None) -> dict[str, EmissionFactor]:
    """The factors of the configured file (or `path`), cached until it changes."""
    path = Path(path or conf.emission_factors_file())
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError as exc:
        raise EmissionFactorFileError(
            _("Emission factor file %(path)s cannot be read.") % {"path": path},
            fields={"file": [str(exc)]},
        ) from exc
    if key not in _cache:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EmissionFactorFileError(
                _("Emission factor file %(path)s is not valid JSON: %(err)s")
                % {"path": path, "err": exc},
                fields={"file": [str(exc)]},
            ) from exc
        _cache[key] = parse_emission_factors(raw, origin=str(path.name))
    return _cache[key]

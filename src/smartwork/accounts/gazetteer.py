"""Belgian postcodes and places (GeoNames, CC BY 4.0: data/README.md): a home typed as an
address or a postcode and town, matched to one place and its coordinates.

`home_match(text=...)` reads the text the way people write it: "5000 Namur",
"Namur", "5000", "Rue de Fer 25, 5000 Namur", "Halle 1500". A postcode (four digits) and
a town are matched together; alone, a postcode or a town must name one place (or places
at the same spot). Otherwise `HomeNotFound` says why, with suggestions ("1500 Halle",
"2980 Halle"): ambiguous, unknown, or a town not served by that postcode.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

from smartwork.core.errors import InvalidInput

DATA = Path(__file__).parent / "data" / "be_postcodes.csv"
POSTCODE = re.compile(r"(?<!\d)(?:B-?\s?)?([1-9]\d{3})(?!\d)", re.IGNORECASE)
MAX_SUGGESTIONS = 6


@dataclass(frozen=True)
class Place:
    postcode: str
    name: str
    province: str
    lat: Decimal
    lon: Decimal

    @property
    def label(self) -> str:
        return f"{self.postcode} {self.name}"


class HomeNotFound(InvalidInput):
    """The text names no place, or several: `suggestions` are labels to choose from."""

    code = "home_not_found"

    def __init__(self, message: str, *, suggestions: list[str], field: str = "home") -> None:
        super().__init__(message, fields={field: [message]},
                         data={"suggestions": suggestions})
        self.suggestions = suggestions


def normalise(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: "Saint-Josse-ten-Noode"
    and "saint josse ten noode" are one name."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[-'’`.]", " ", text)
    return " ".join(text.split())


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    with DATA.open(encoding="utf-8") as fh:
        return tuple(Place(postcode=row["postcode"], name=row["place"],
                           province=row["province"], lat=Decimal(row["lat"]),
                           lon=Decimal(row["lon"]))
                     for row in csv.DictReader(fh))


@lru_cache(maxsize=1)
def _by_postcode() -> dict[str, list[Place]]:
    index: dict[str, list[Place]] = {}
    for place in places():
        index.setdefault(place.postcode, []).append(place)
    return index


@lru_cache(maxsize=1)
def _by_name() -> dict[str, list[Place]]:
    index: dict[str, list[Place]] = {}
    for place in places():
        index.setdefault(normalise(place.name), []).append(place)
    return index


def _one_spot(found: list[Place]) -> bool:
    """Several rows at the same spot (Antwerpen 2000, 2018...) are one home."""
    return len({(round(p.lat, 2), round(p.lon, 2)) for p in found}) == 1


def _labels(found: list[Place]) -> list[str]:
    return [p.label for p in found[:MAX_SUGGESTIONS]]


def _close_names(town: str) -> list[Place]:
    names = difflib.get_close_matches(town, list(_by_name()), n=MAX_SUGGESTIONS, cutoff=0.75)
    found = [p for name in names for p in _by_name()[name]]
    return found[:MAX_SUGGESTIONS]


def _parse(text: str) -> tuple[str | None, str]:
    """(postcode, town) from an address: the part holding the postcode, else the last part
    after a comma, is the town ("Rue de Fer 25, 5000 Namur" -> ("5000", "namur"))."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return None, ""
    with_code = [p for p in parts if POSTCODE.search(p)]
    part = with_code[-1] if with_code else parts[-1]
    match = POSTCODE.search(part)
    postcode = match.group(1) if match else None
    town = POSTCODE.sub(" ", part) if match else part
    town = re.sub(r"\b(belgique|belgie|belgium|belgien)\b", " ", normalise(town))
    return postcode, " ".join(town.split())


def home_match(*, text: str, field: str = "home") -> Place:
    """The one place `text` names, or HomeNotFound with suggestions."""
    postcode, town = _parse(text or "")
    if not postcode and not town:
        raise HomeNotFound(_("Type a postcode and town, e.g. 5000 Namur."), suggestions=[],
                           field=field)
    if postcode:
        served = _by_postcode().get(postcode, [])
        if not served:
            near = _close_names(town) if town else []
            raise HomeNotFound(_("No Belgian place has the postcode %(code)s.")
                               % {"code": postcode}, suggestions=_labels(near), field=field)
        if not town:
            if len(served) == 1 or _one_spot(served):
                return served[0]
            raise HomeNotFound(
                _("Several places have the postcode %(code)s: add the town.")
                % {"code": postcode}, suggestions=_labels(served), field=field)
        exact = [p for p in served if normalise(p.name) == town]
        if not exact:
            exact = [p for p in served if town in normalise(p.name)]
        if len(exact) == 1 or (exact and _one_spot(exact)):
            return exact[0]
        raise HomeNotFound(
            _("The postcode %(code)s does not serve “%(town)s”.")
            % {"code": postcode, "town": town}, suggestions=_labels(exact or served),
            field=field)
    found = _by_name().get(town, [])
    if found and _one_spot(found):
        return found[0]
    if found:
        raise HomeNotFound(_("Several places are called “%(town)s”: add the postcode.")
                           % {"town": town}, suggestions=_labels(found), field=field)
    raise HomeNotFound(_("No Belgian place is called “%(town)s”.") % {"town": town},
                       suggestions=_labels(_close_names(town)), field=field)

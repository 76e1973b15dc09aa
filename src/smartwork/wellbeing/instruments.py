"""The pulse-survey instruments (data/instruments.json) and their scoring.

Every indicator scores 0-100, higher is better. The WHO-5 follows its published
scoring (raw 0-25, x4); the questions written for smartwork say so in the data file.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from smartwork.core.errors import InvalidInput

DATA = Path(__file__).resolve().parent / "data" / "instruments.json"
FAMILIES = ("productivity", "social", "security")


@functools.cache
def catalogue() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def instruments() -> dict[str, dict[str, Any]]:
    return catalogue()["instruments"]


def indicator_keys() -> list[str]:
    """Every indicator: the surveyed instruments, then the recorded ones."""
    return [*instruments(), *catalogue()["recorded"]]


def indicator_spec(key: str) -> dict[str, Any]:
    spec = instruments().get(key) or catalogue()["recorded"].get(key)
    if spec is None:
        raise KeyError(key)
    return spec


def default_enabled() -> set[str]:
    return set(catalogue()["defaults"]["enabled"])


def lang(language: str | None = None) -> str:
    """The data files' language for the active one: en, fr or nl (others read English)."""
    code = (language or get_language() or "en")[:2]
    return code if code in ("en", "fr", "nl", "de") else "en"


def text(value: dict[str, str], language: str | None = None) -> str:
    return value.get(lang(language)) or value["en"]


def indicator_name(key: str, language: str | None = None) -> str:
    return text(indicator_spec(key)["name"], language)


def scale(key: str) -> dict[str, Any]:
    return catalogue()["scales"][instruments()[key]["scale"]]


def questionnaire(keys: list[str], language: str | None = None) -> list[dict[str, Any]]:
    """The survey's questions in a language: one block per instrument."""
    blocks = []
    for key in keys:
        spec = instruments()[key]
        sc = catalogue()["scales"][spec["scale"]]
        labels = sc["labels"][lang(language)] or [str(v) for v in sc["values"]]
        blocks.append({
            "key": key, "name": text(spec["name"], language),
            "timeframe": text(spec["timeframe"], language), "origin": spec["origin"],
            "items": [{"key": item["key"], "text": text(item["text"], language),
                       "choices": list(zip(sc["values"], labels, strict=True))}
                      for item in spec["items"]],
        })
    return blocks


def item_keys(keys: list[str]) -> list[str]:
    return [item["key"] for key in keys for item in instruments()[key]["items"]]


def validate_answers(keys: list[str], answers: dict[str, Any]) -> dict[str, int]:
    """Every item of the survey answered with one of its scale's values, nothing else."""
    clean: dict[str, int] = {}
    fields: dict[str, list[str]] = {}
    expected = set(item_keys(keys))
    for extra in sorted(set(answers) - expected):
        fields[extra] = [_("Not a question of this survey.")]
    for key in keys:
        allowed = set(catalogue()["scales"][instruments()[key]["scale"]]["values"])
        for item in instruments()[key]["items"]:
            raw = answers.get(item["key"])
            try:
                value = int(raw) if raw is not None and str(raw).strip() != "" else None
            except (TypeError, ValueError):
                value = None
            if value is None:
                fields[item["key"]] = [_("Answer this question.")]
            elif value not in allowed:
                fields[item["key"]] = [_("Choose one of the answers offered.")]
            else:
                clean[item["key"]] = value
    if fields:
        raise InvalidInput(_("Some answers are missing or not valid."), code="invalid_answers",
                           fields=fields)
    return clean


def score(key: str, answers: dict[str, int]) -> int:
    """The 0-100 score of one instrument from its items' answers."""
    spec = instruments()[key]
    values = []
    for item in spec["items"]:
        v = answers[item["key"]]
        values.append(6 - v if item.get("reverse") else v)
    method = spec["scoring"]["method"]
    if method == "sum_times":
        return int(sum(values) * spec["scoring"]["multiplier"])
    if method == "likert_mean":
        return round((sum(values) / len(values) - 1) * 25)
    if method == "share_yes":
        return round(100 * sum(values) / len(values))
    raise ValueError(f"unknown scoring method {method!r}")


def raw_score(key: str, answers: dict[str, int]) -> int:
    spec = instruments()[key]
    return sum(answers[item["key"]] for item in spec["items"])


def band(key: str, value: float | None, language: str | None = None) -> dict[str, str] | None:
    """The instrument's published band a score falls in (WHO-5: <= 28, <= 50)."""
    if value is None:
        return None
    for cut in instruments().get(key, {}).get("scoring", {}).get("cutoffs", []):
        if value <= cut["at_most"]:
            return {"key": cut["key"], "label": text(cut["label"], language)}
    return None

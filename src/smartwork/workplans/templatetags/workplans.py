"""Template filters of the smart-working pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.dates import WEEKDAYS

from smartwork.workplans.choices import AllowedPlace

register = template.Library()


@register.filter
def weekday_name(value: Any) -> str:
    return str(WEEKDAYS.get(int(value), ""))


@register.filter
def weekday_names(values: Any) -> str:
    return ", ".join(str(WEEKDAYS[int(v)]) for v in values or [])


@register.filter
def place_names(values: Any) -> str:
    labels = dict(AllowedPlace.choices)
    return ", ".join(str(labels.get(v, v)) for v in values or [])

"""Helpers for workplans tests: policies and bookings through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from smartwork.bookings.tests.factories import workday
from smartwork.workplans import policy as policy_services
from smartwork.workplans.models import PolicyVersion


def policy(admin: Any, company: Any, *, remote_days: int = 2, anchor_days: tuple[int, ...] = (1,),
           effective_from: dt.date | None = None, **extra: Any) -> PolicyVersion:
    return policy_services.policy_version_create(
        actor=admin, company=company, effective_from=effective_from or timezone.localdate(),
        remote_days=remote_days, anchor_days=anchor_days, **extra)


def week_ahead(weeks: int = 2) -> list[dt.date]:
    """Monday to Friday of a week at least `weeks` weeks ahead (all bookable)."""
    monday = workday(5 * weeks, weekday=0)
    return [monday + dt.timedelta(days=i) for i in range(5)]

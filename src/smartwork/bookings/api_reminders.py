"""The caller's booking reminders (docs/bookings.md, "Reminders"): the same service as
the profile page (`reminders.reminder_preference_get` / `_set`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from smartwork.bookings import reminders
from smartwork.bookings.choices import ReminderChoice

router = Router(tags=["bookings"])

ERRORS = {400: dict, 401: dict, 403: dict, 422: dict}
WHEN = ("none (the default), day_before (24 hours before the start), hour_before, or both")


class ReminderOut(Schema):
    when: ReminderChoice = Field(..., description=WHEN)


class ReminderIn(Schema):
    when: ReminderChoice = Field(..., description=WHEN, examples=["both"])


@router.get("/me/reminders", response={200: ReminderOut, **ERRORS},
            summary="When I am reminded of my bookings")
def my_reminders(request: HttpRequest) -> Any:
    return {"when": reminders.reminder_preference_get(member=request.user)}


@router.put("/me/reminders", response={200: ReminderOut, **ERRORS},
            summary="Choose when to be reminded of my bookings",
            description="A mail the day before and/or an hour before each confirmed booking, "
                        "with the code the front desk scans.")
def my_reminders_set(request: HttpRequest, data: ReminderIn) -> Any:
    return {"when": reminders.reminder_preference_set(member=request.user, when=data.when)}

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from smartwork.community import services
from smartwork.network.choices import ResourceKind
from smartwork.network.models import Resource


def next_weekday(days_ahead: int = 7, weekday: int = 1) -> dt.date:
    """A Tuesday (by default) at least `days_ahead` days from today: open, bookable."""
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def room_of(centre: Any) -> Resource:
    return Resource.objects.filter(centre=centre, kind=ResourceKind.MEETING_ROOM).first()


def make_event(actor: Any, centre: Any, *, capacity: int = 10, room: Any = None,
               on: dt.date | None = None, start: dt.time = dt.time(12, 0),
               end: dt.time = dt.time(13, 30), title: str = "Lunch talk") -> Any:
    return services.event_create(actor=actor, centre=centre, title=title, on=on or next_weekday(),
                                 start_time=start, end_time=end, capacity=capacity, room=room,
                                 kind="lunch", language="fr")


def listed(user: Any, **extra: Any) -> Any:
    return services.profile_update(actor=user, listed=True, **extra)

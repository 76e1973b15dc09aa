"""The events a member registered for, in their private calendar feed (the bookings
app's feed asks the registered `FeedSource`s: bookings/feed_sources.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from icalendar import Event as IEvent
from icalendar import vText

from smartwork.community.models import Registration


class EventFeedSource:
    def feed_events(self, *, member: Any) -> Iterable[IEvent]:
        since = timezone.now() - dt.timedelta(days=30)
        rows = (Registration.objects.select_related("event__centre")
                .filter(member=member, event__ends_at__gte=since)
                .order_by("event__starts_at", "pk"))
        for reg in rows:
            event = reg.event
            centre = event.centre
            item = IEvent()
            item.add("uid", event.ical_uid)
            item.add("dtstamp", reg.updated_at or timezone.now())
            item.add("dtstart", event.starts_at)
            item.add("dtend", event.ends_at)
            item.add("summary", f"{event.title} — {centre.name}")
            item.add("location", vText(f"{centre.name}, {centre.address}"))
            if event.description:
                item.add("description", event.description)
            gone = reg.cancelled_at is not None or event.cancelled_at is not None
            item.add("status", "CANCELLED" if gone else "CONFIRMED")
            yield item

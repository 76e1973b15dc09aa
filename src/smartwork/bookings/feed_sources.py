"""Other apps' entries in a member's private calendar feed.

The bookings app serves the feed (`GET /api/v1/calendar/{token}.ics`) and declares the
small interface it needs; an app with something to add (community: the events a member
registered for) implements `FeedSource` and registers it from its `AppConfig.ready`.
So `community -> bookings`, and bookings imports none of them (docs/architecture.md,
"which way the arrows run")."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from icalendar import Event


class FeedSource(Protocol):
    def feed_events(self, *, member: Any) -> Iterable[Event]:
        """The iCalendar events to add to `member`'s feed (UIDs stable and unique)."""
        ...


_SOURCES: list[FeedSource] = []


def register_feed_source(source: FeedSource) -> None:
    if not any(type(s) is type(source) for s in _SOURCES):
        _SOURCES.append(source)


def feed_events(*, member: Any) -> list[Event]:
    return [event for source in _SOURCES for event in source.feed_events(member=member)]

"""Rows for insights tests: bookings and WiFi sessions written straight to
their tables (their rules are tested in their own apps)."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

from smartwork.bookings.models import Booking
from smartwork.network.choices import ResourceKind

BRU = zoneinfo.ZoneInfo("Europe/Brussels")
_seq = itertools.count(1)


def at(y: int, mo: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=BRU)


def booking(member, centre, start, end, *, state="completed", checked_in_at=None,
            resource=None, slot="range"):
    resource = resource or centre.resources.filter(kind=ResourceKind.DESK).order_by("pk").first()
    return Booking.objects.create(
        member=member, booked_by=member, resource=resource, centre=centre, slot=slot,
        start=start, end=end, state=state, checked_in_at=checked_in_at,
        cancelled_at=end if state == "cancelled" else None,
    )


def wifi(member, centre, start, end):
    from smartwork.wifi.models import Nas, PresenceSession

    nas = Nas.objects.filter(centre=centre).first()
    if nas is None:
        n = next(_seq)
        nas = Nas.objects.create(centre=centre, name=f"ap-{n}", address=f"192.0.2.{n}",
                                 secret_encrypted="not-used-here")
    return PresenceSession.objects.create(
        member=member, centre=centre, nas=nas, acct_session_id=f"s{next(_seq)}",
        started_at=start, ended_at=end, last_update_at=end or start,
    )

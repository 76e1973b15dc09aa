from __future__ import annotations

import datetime as dt

from django.utils import timezone

from smartwork.accounts.models import User
from smartwork.network.choices import ResourceKind
from smartwork.network.models import Centre


def make_booking(*, member: User, centre: Centre, start: dt.datetime | None = None,
                 hours: float = 4, state: str = "confirmed"):
    """A booking row as the bookings app stores it (its rules are tested there)."""
    from smartwork.bookings.models import Booking

    start = start or timezone.now() - dt.timedelta(minutes=10)
    resource = centre.resources.filter(kind=ResourceKind.DESK).order_by("pk").first()
    return Booking.objects.create(
        member=member, booked_by=member, resource=resource, centre=centre, slot="range",
        start=start, end=start + dt.timedelta(hours=hours), state=state,
        cancelled_at=timezone.now() if state == "cancelled" else None,
    )

"""'Add to Google Calendar / Outlook' links for one booking: the public URL templates of
both services, with the booking's times in UTC (they show them in the reader's zone)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/deeplink/compose"


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def calendar_links(booking: Any) -> dict[str, str]:
    title = f"{booking.resource.name} — {booking.centre.name}"
    location = booking.centre.address
    details = f"smartwork #{booking.pk}"
    start, end = _utc(booking.start), _utc(booking.end)
    google = GOOGLE + "?" + urlencode({
        "action": "TEMPLATE", "text": title,
        "dates": f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}",
        "details": details, "location": location})
    outlook = OUTLOOK + "?" + urlencode({
        "path": "/calendar/action/compose", "rru": "addevent", "subject": title,
        "startdt": f"{start:%Y-%m-%dT%H:%M:%SZ}", "enddt": f"{end:%Y-%m-%dT%H:%M:%SZ}",
        "body": details, "location": location})
    return {"google": google, "outlook": outlook}

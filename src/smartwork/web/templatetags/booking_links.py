from __future__ import annotations

from typing import Any

from django import template

from smartwork.bookings.calendar_links import calendar_links

register = template.Library()


@register.filter
def add_to_calendar(booking: Any) -> dict[str, str]:
    """{{ booking|add_to_calendar }}: the Google and Outlook links of a booking."""
    return calendar_links(booking)

"""Dates and times written in the active language, the same way on the pages and in
the mails: the language's `DATE_FORMAT` (Django's locale formats: 'Dec. 3, 2026',
'3 décembre 2026', '3 december 2026') and 24-hour times.

Pure formatting: the caller activates the reader's language (`translation.override`)
and gives local times (a booking's in its centre's time zone)."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _


def date_text(value: dt.date) -> str:
    """'Dec. 3, 2026' (en), '3 décembre 2026' (fr), '3 december 2026' (nl)."""
    return date_format(value, "DATE_FORMAT")


def weekday_date_text(value: dt.date) -> str:
    """'Thursday, Dec. 3, 2026', 'Jeudi 3 décembre 2026', 'Donderdag 3 december 2026'
    (a line's start: the weekday capitalised; within a sentence French and Dutch write it
    in lower case, as Django's and the project's catalogues do)."""
    return _("%(weekday)s %(date)s") % {"weekday": capfirst(date_format(value, "l")),
                                       "date": date_text(value)}


def month_text(value: dt.date) -> str:
    """A month on a chart's axis or in a table's head: 'June 2026', 'juin 2026',
    'juil. 2026', 'juni 2026' (Django's "M" gives three letters, which in French
    are "jui" for both June and July)."""
    return date_format(value, "N Y")


def date_time_text(value: dt.datetime) -> str:
    """A moment: 'Dec. 3, 2026 21:30', '3 décembre 2026 21:30'."""
    return f"{date_text(value)} {value:%H:%M}"


def time_range_text(start: dt.datetime, end: dt.datetime) -> str:
    """A booking's time: 'Thursday, Dec. 3, 2026 08:30–12:30' ('Jeudi 3 décembre 2026
    08:30–12:30'); the end's date too when it is another day."""
    if end.date() != start.date():
        return (f"{weekday_date_text(start)} {start:%H:%M} – "
                f"{weekday_date_text(end)} {end:%H:%M}")
    return f"{weekday_date_text(start)} {start:%H:%M}–{end:%H:%M}"

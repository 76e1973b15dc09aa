"""The recurring booking form: a centre (and maybe one of its resources), a slot, the
weekdays, the first date and how long. It turns the choices into the list of dates
`bookings.services.series_create` takes, and says inline what makes that list wrong
before anything is asked of the booking engine (an end before the start, no date at
all, a weekday the centre never opens, dates beyond the network's booking window, more
dates than a series holds). Whether each date can be booked is the engine's answer
(the preview, `credits.quote.series_quote`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from smartwork.bookings.choices import MAX_SERIES_OCCURRENCES, ConflictPolicy, Slot
from smartwork.bookings.slots import zone
from smartwork.core.forms import DayField
from smartwork.network.models import Centre
from smartwork.web.forms import BOOK_SLOTS, WEEKDAYS, date_input, time_input

MAX_WEEKS = 52
WORKING_DAYS = (0, 1, 2, 3, 4)
POLICIES = [
    (ConflictPolicy.SKIP, _("Book the dates that are free and skip the others")),
    (ConflictPolicy.ALL_OR_NOTHING, _("All or nothing: book no date if one cannot be booked")),
]


def series_dates(first: dt.date, last: dt.date, weekdays: set[int]) -> list[dt.date]:
    """Every date from `first` to `last` (both included) on one of `weekdays`."""
    days = (last - first).days + 1
    return [d for d in (first + dt.timedelta(days=i) for i in range(max(days, 0)))
            if d.weekday() in weekdays]


class SeriesForm(forms.Form):
    centre = forms.ChoiceField(label=_("Centre"))
    resource = forms.ChoiceField(label=_("Desk or room"), required=False)
    slot = forms.ChoiceField(label=_("Slot"), choices=BOOK_SLOTS, initial=Slot.FULL_DAY)
    start_time = forms.TimeField(label=_("From"), required=False, widget=time_input(),
                                 help_text=_("For a room: the time range."))
    end_time = forms.TimeField(label=_("To"), required=False, widget=time_input())
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Every"), coerce=int, widget=forms.CheckboxSelectMultiple)
    date_from = DayField(label=_("First date"), widget=date_input())
    weeks = forms.IntegerField(label=_("For how many weeks"), required=False, min_value=1,
                               max_value=MAX_WEEKS, initial=8,
                               widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    date_to = DayField(label=_("Or until"), required=False, widget=date_input(),
                              help_text=_("A last date, instead of a number of weeks."))
    conflict_policy = forms.ChoiceField(label=_("When a date cannot be booked"),
                                        choices=POLICIES, initial=ConflictPolicy.SKIP,
                                        widget=forms.RadioSelect)

    def __init__(self, *args: Any, centres: list[Centre], centre: Centre | None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chosen_centre = centre
        self._set_choices("centre", [(c.slug, c.name) for c in centres])
        resources = [r for r in centre.resources.all() if r.is_active] if centre else []
        self._set_choices("resource", [("", _("Any free desk"))] + [
            (str(r.pk), f"{r.name} — {r.get_kind_display()}") for r in resources])
        # Saturday and Sunday only where the centre opens then.
        open_days = {row.weekday for row in centre.opening_hours.all()} if centre else set()
        self.open_days = open_days
        self._set_choices("weekdays", [(day, label) for day, label in WEEKDAYS
                                       if day in WORKING_DAYS or day in open_days])

    def _set_choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("slot") == Slot.RANGE and not (data.get("start_time")
                                                   and data.get("end_time")):
            self.add_error("start_time", _("Give the start and the end time of the room."))
        first, weekdays = data.get("date_from"), set(data.get("weekdays") or ())
        if first is None or not weekdays or self.chosen_centre is None:
            return data
        closed = [str(label) for day, label in WEEKDAYS if day in weekdays
                  and day not in self.open_days]
        if closed:
            self.add_error("weekdays", _("%(centre)s is closed on these days: %(days)s.") % {
                "centre": self.chosen_centre.name, "days": ", ".join(closed)})
            return data
        if first < self._centre_today():
            self.add_error("date_from", _("The first date is in the past."))
            return data
        last = self._last(data, first)
        if last is None:
            return data
        window = self.chosen_centre.network.booking_window_days
        limit = self._centre_today() + dt.timedelta(days=window)
        if first > limit or last > limit:
            field = "date_to" if data.get("date_to") else "weeks"
            self.add_error(field, _("Bookings open %(n)d days ahead: the last date can be "
                                    "%(date)s at the latest.") % {
                "n": window, "date": date_format(limit, "DATE_FORMAT")})
            return data
        dates = series_dates(first, last, weekdays)
        if not dates:
            self.add_error("weekdays", _("No date from %(first)s to %(last)s falls on the "
                                         "days you chose.") % {
                "first": date_format(first, "DATE_FORMAT"),
                "last": date_format(last, "DATE_FORMAT")})
        elif len(dates) > MAX_SERIES_OCCURRENCES:
            self.add_error("weeks" if not data.get("date_to") else "date_to",
                           _("That makes %(count)d dates; a recurring booking holds at most "
                             "%(max)d.") % {"count": len(dates), "max": MAX_SERIES_OCCURRENCES})
        data["dates"] = dates
        return data

    def _last(self, data: dict[str, Any], first: dt.date) -> dt.date | None:
        """The last date: the one given, or the end of the last week."""
        last = data.get("date_to")
        if last is not None:
            if last < first:
                self.add_error("date_to", _("The end is before the first date."))
                return None
            return last  # type: ignore[no-any-return]
        if data.get("weeks") is None:
            if "weeks" not in self.errors:
                self.add_error("weeks", _("Give a number of weeks or a last date."))
            return None
        return first + dt.timedelta(days=7 * data["weeks"] - 1)

    def _centre_today(self) -> dt.date:
        """Today where the centre is (the booking window counts from there)."""
        assert self.chosen_centre is not None
        return timezone.now().astimezone(zone(self.chosen_centre.timezone)).date()

"""The booking rules, each with its own error code. Pure checks over loaded rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from smartwork.bookings.slots import Span, inside_hours, parts_of, zone
from smartwork.core.errors import DomainError, Forbidden, InvalidInput
from smartwork.network.choices import LabelStatus
from smartwork.network.models import Centre, Closure, OpeningHours


@dataclass
class CentreCalendar:
    """A centre's opening hours by weekday and its closures (two queries)."""

    hours: dict[int, list[tuple[dt.time, dt.time]]] = field(default_factory=dict)
    closures: list[tuple[dt.date, dt.date, str]] = field(default_factory=list)

    def intervals(self, on: dt.date) -> list[tuple[dt.time, dt.time]]:
        return self.hours.get(on.weekday(), [])

    def closure_reason(self, on: dt.date) -> str | None:
        for a, b, reason in self.closures:
            if a <= on <= b:
                return reason
        return None


def calendars_for(centre_ids: list[int], *, date_from: dt.date | None = None,
                  date_to: dt.date | None = None) -> dict[int, CentreCalendar]:
    out: dict[int, CentreCalendar] = defaultdict(CentreCalendar)
    for cid in centre_ids:
        out[cid] = CentreCalendar()
    for row in OpeningHours.objects.filter(centre_id__in=centre_ids).values_list(
        "centre_id", "weekday", "opens", "closes"
    ):
        out[row[0]].hours.setdefault(row[1], []).append((row[2], row[3]))
    closures = Closure.objects.filter(centre_id__in=centre_ids)
    if date_from is not None:
        closures = closures.filter(end_date__gte=date_from)
    if date_to is not None:
        closures = closures.filter(start_date__lte=date_to)
    for cid, a, b, reason in closures.values_list("centre_id", "start_date", "end_date", "reason"):
        out[cid].closures.append((a, b, reason))
    return dict(out)


def check_centre_open_to(*, member: Any, centre: Centre, allowed_networks: set[int],
                         on: dt.date | None = None) -> None:
    from smartwork.network.selectors import centre_open_to_guests, centre_visible_or_404

    # A company-hosted space the member may not see does not exist for them (404).
    if centre.host_company_id is not None:
        centre_visible_or_404(viewer=member, centre=centre)
    if centre.label_status != LabelStatus.LABELLED:
        raise InvalidInput(_("This centre is not labelled: it takes no bookings."),
                           code="centre_not_labelled", fields={"centre_id": [_("Not labelled.")]})
    if centre.network_id not in allowed_networks:
        raise Forbidden(
            _("Members of your network may not book in this centre's network."),
            code="network_not_allowed",
        )
    if (centre.network_id != getattr(member, "network_id", None) and on is not None
            and not centre_open_to_guests(centre=centre, home_network_id=member.network_id,
                                          on=on)):
        raise Forbidden(_("The alliance with this centre's network does not open this centre "
                          "to your network's members."), code="centre_not_in_alliance")


def check_resource_active(resource: Any) -> None:
    if not resource.is_active:
        raise InvalidInput(_("This resource is not in service."), code="resource_inactive",
                           fields={"resource_id": [_("Not in service.")]})


def date_problem(*, span: Span, centre: Centre, calendar: CentreCalendar, now: dt.datetime,
                 window_days: int) -> DomainError | None:
    """What forbids this slot on this date, or None. Returned, not raised: a series
    reports problems per date."""
    if span.end <= now:
        return InvalidInput(_("%(date)s: this slot is in the past.") % {"date": span.date},
                            code="in_past", fields={"date": [_("In the past.")]})
    today = now.astimezone(zone(centre.timezone)).date()
    if span.date > today + dt.timedelta(days=window_days):
        return InvalidInput(
            _("%(date)s: bookings open %(n)d days ahead.") % {"date": span.date, "n": window_days},
            code="beyond_booking_window", fields={"date": [_("Too far ahead.")]},
        )
    reason = calendar.closure_reason(span.date)
    if reason is not None:
        return InvalidInput(_("%(date)s: the centre is closed (%(reason)s).")
                            % {"date": span.date, "reason": reason},
                            code="centre_closed", fields={"date": [_("Closed that day.")]})
    if not inside_hours(parts_of(span, centre), calendar.intervals(span.date)):
        return InvalidInput(
            _("%(date)s: the slot is outside the centre's opening hours.") % {"date": span.date},
            code="outside_opening_hours",
            fields={"slot" if span.slot != "range" else "start_time": [_("Outside opening hours.")]},
        )
    return None

"""Team days: the company's admin or the team's lead books, in one step, a meeting room
or a block of desks in one centre for the whole team, through the booking services.

One confirmation (a mail to the organiser with what was booked and who conflicts),
and a calendar invitation per member; conflicts are reported per person (a member who
already has a desk elsewhere that day, a desk no longer free, ...). The desks of a
team day pass the smart-working policy (`enforce.team_day_booking`): the team day is
the policy at work, and it is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from smartwork.accounts.models import Team, User
from smartwork.bookings.choices import LIVE_STATES, Slot
from smartwork.bookings.models import Booking
from smartwork.bookings.services import booking_create
from smartwork.bookings.slots import slot_span
from smartwork.core import fastsql
from smartwork.core.audit import audit_entry
from smartwork.core.errors import DomainError, InvalidInput
from smartwork.core.l10n import date_text
from smartwork.core.mail import mail_later
from smartwork.network.choices import SLOT_KINDS, ResourceKind
from smartwork.network.models import Centre, Resource
from smartwork.workplans.choices import TeamEventKind
from smartwork.workplans.enforce import team_day_booking
from smartwork.workplans.models import TeamEvent
from smartwork.workplans.policy import is_company_admin, require_team_manager


def _conflict(member: User, code: str, message: str) -> dict[str, Any]:
    return {"user_id": member.pk, "name": str(member), "status": "conflict", "code": code,
            "message": message}


def _elsewhere(member: User, centre: Centre, day: dt.date, start: dt.datetime,
               end: dt.datetime) -> Booking | None:
    return (Booking.objects.select_related("centre")
            .filter(member=member, state__in=LIVE_STATES, start__lt=end, end__gt=start,
                    resource__kind__in=sorted(SLOT_KINDS)).exclude(centre=centre).first())


def team_day_book(*, actor: User, team: Team, day: dt.date, centre: Centre, kind: str,
                  resource: Resource | None = None, slot: str = Slot.FULL_DAY,
                  start_time: dt.time | None = None, end_time: dt.time | None = None,
                  ) -> TeamEvent:
    """Book the team day; returns the TeamEvent with a result per member."""
    require_team_manager(actor, team)
    members = list(User.objects.filter(team_memberships__team=team, is_active=True)
                   .order_by("last_name", "first_name", "pk"))
    if not members:
        raise InvalidInput(_("The team has no members."), code="empty_team")
    if kind not in TeamEventKind.values:
        raise InvalidInput(_("Unknown choice."), code="invalid", fields={"kind": [_("Unknown.")]})
    results: list[dict[str, Any]] = []
    room_booking = None
    if kind == TeamEventKind.ROOM:
        if resource is None or resource.centre_id != centre.pk or resource.kind not in (
                ResourceKind.MEETING_ROOM, ResourceKind.TELEPRESENCE_ROOM):
            raise InvalidInput(_("Choose a meeting room of the centre."), code="room_required",
                               fields={"resource_id": [_("A meeting room of this centre.")]})
        if (resource.capacity or 0) < len(members):
            raise InvalidInput(_("%(room)s seats %(n)d; the team has %(m)d members.")
                               % {"room": resource.name, "n": resource.capacity or 0,
                                  "m": len(members)},
                               code="room_too_small", fields={"resource_id": [_("Too small.")]})
        # The room: one booking, by the organiser (a DomainError here refuses the whole).
        room_booking = booking_create(actor=actor, resource=resource, slot=Slot.RANGE, on=day,
                                      start_time=start_time, end_time=end_time,
                                      note=_("Team day: %(team)s") % {"team": team.name},
                                      notify=False)
        for member in members:
            other = _elsewhere(member, centre, day, room_booking.start, room_booking.end)
            if other is not None:
                results.append(_conflict(member, "member_elsewhere",
                                         _("Has a desk at %(centre)s then.")
                                         % {"centre": other.centre.name}))
            else:
                results.append({"user_id": member.pk, "name": str(member), "status": "invited",
                                "booking_id": room_booking.pk})
    else:
        span = slot_span(centre, day, slot, None, None)
        admin = is_company_admin(actor, team.company_id)
        for member in members:
            other = _elsewhere(member, centre, day, span.start, span.end)
            if other is not None:
                results.append(_conflict(member, "member_elsewhere",
                                         _("Has a desk at %(centre)s then.")
                                         % {"centre": other.centre.name}))
                continue
            try:
                with team_day_booking():
                    # The admin books for staff; a lead's team day is booked in each
                    # member's name (the event and its audit entry say who asked).
                    booking = booking_create(
                        actor=actor if admin else member, member=member if admin else None,
                        centre=centre, slot=slot, on=day, notify=False,
                        note=_("Team day: %(team)s") % {"team": team.name})
            except DomainError as exc:
                results.append(_conflict(member, exc.code, exc.message))
                continue
            results.append({"user_id": member.pk, "name": str(member), "status": "booked",
                            "booking_id": booking.pk, "resource": booking.resource.name})
    with transaction.atomic():
        event = TeamEvent.objects.create(
            team=team, day=day, kind=kind, centre=centre,
            resource=room_booking.resource if room_booking else None, slot=slot,
            start_time=start_time if kind == TeamEventKind.ROOM else None,
            end_time=end_time if kind == TeamEventKind.ROOM else None,
            results=results, created_by=actor)
        entry = audit_entry(actor=actor, action="workplans.team_day_booked", obj=event, data={
            "team": team.pk, "day": day.isoformat(), "centre": centre.pk, "kind": kind,
            "booked": sum(1 for r in results if r["status"] != "conflict"),
            "conflicts": sum(1 for r in results if r["status"] == "conflict")})
        entry.network_id = None
        fastsql.insert(entry)
        # Through the outbox, one mail per reader: written with the team day, retried alone.
        for row in results:
            if row["status"] != "conflict":
                mail_later("smartwork.workplans.teamdays.team_day_invitation_send",
                           event_id=event.pk, user_id=row["user_id"],
                           quiet_for=row["user_id"])
        mail_later("smartwork.workplans.teamdays.team_day_confirmation_send", event_id=event.pk)
    return event


def team_day_ics(event: TeamEvent, member: User) -> bytes:
    from icalendar import Calendar, Event, vText

    from smartwork.bookings.slots import local_to_utc

    cal = Calendar()
    cal.add("prodid", "-//smartwork//workplans//EN")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    ev = Event()
    ev.add("uid", f"team-day-{event.pk}@smartwork")
    ev.add("dtstamp", event.created_at)
    if event.start_time and event.end_time:
        ev.add("dtstart", local_to_utc(event.day, event.start_time, event.centre.timezone))
        ev.add("dtend", local_to_utc(event.day, event.end_time, event.centre.timezone))
    else:
        ev.add("dtstart", event.day)
        ev.add("dtend", event.day + dt.timedelta(days=1))
    ev.add("summary", _("Team day: %(team)s") % {"team": event.team.name})
    ev.add("location", vText(f"{event.centre.name}, {event.centre.address}"))
    ev.add("organizer", f"mailto:{event.created_by.email}")
    ev.add("attendee", f"mailto:{member.email}")
    cal.add_component(ev)
    return cal.to_ical()


def team_day_invitation_send(*, event_id: int, user_id: int) -> None:
    """A member's invitation to a team day, in their language, with its .ics."""
    event = TeamEvent.objects.select_related("team", "centre", "created_by").get(pk=event_id)
    member = User.objects.filter(pk=user_id).first()
    if member is None or not member.email:
        return
    with translation.override(member.language or settings.LANGUAGE_CODE):
        subject = _("Team day: %(team)s, %(centre)s, %(date)s") % {
            "team": event.team.name, "centre": event.centre.name,
            "date": date_text(event.day)}
        body = _("%(who)s has booked the team day of %(team)s at %(centre)s on %(date)s. "
                 "The invitation is attached.") % {
            "who": event.created_by, "team": event.team.name, "centre": event.centre.name,
            "date": date_text(event.day)}
        message = EmailMessage(subject, body, to=[member.email])
        message.attach("team-day.ics", team_day_ics(event, member), "text/calendar")
    message.send()


def team_day_confirmation_send(*, event_id: int) -> None:
    """The organiser's one confirmation: who is booked, who is not and why."""
    event = TeamEvent.objects.select_related("team", "created_by").get(pk=event_id)
    organiser = event.created_by
    with translation.override(organiser.language or settings.LANGUAGE_CODE):
        lines = [f"- {r['name']}: " + (r.get("message") or _("booked")) for r in event.results]
        message = EmailMessage(
            _("Team day booked: %(team)s, %(date)s") % {"team": event.team.name,
                                                         "date": date_text(event.day)},
            "\n".join(lines), to=[organiser.email])
    message.send()


def team_events(*, actor: User, team: Team) -> list[TeamEvent]:
    require_team_manager(actor, team)
    return list(TeamEvent.objects.filter(team=team).select_related("centre", "resource",
                                                                    "created_by")[:50])

"""Writes of the community: the directory profile, messages and blocks, events and
registrations. Keyword-only; rules checked here under the right lock.

- Registration never exceeds an event's capacity: the event row is locked (PostgreSQL
  `SELECT ... FOR UPDATE`; SQLite's IMMEDIATE transaction holds the write lock), the
  live registrations counted from their rows, then the place written.
- An event with a room books it through the booking engine (bookings.services), in the
  event's transaction: a room already taken refuses the event, nothing is stored.
- A message is stored and mailed through the outbox (core/mail.py) with the sender's
  name and a link to reply in smartwork, never an address; the messages a sender may
  send are counted from the stored ones under the sender's profile row lock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import User
from smartwork.bookings import services as booking_services
from smartwork.bookings.choices import Slot
from smartwork.bookings.locks import sqlite_writer_queue
from smartwork.bookings.slots import zone
from smartwork.community import selectors
from smartwork.community.choices import (
    EVENT_LANGUAGES,
    MESSAGE_MAX_LENGTH,
    MESSAGES_PER_DAY,
    MESSAGES_PER_HOUR,
    EventKind,
)
from smartwork.community.models import Block, Event, MemberProfile, Message, Registration
from smartwork.core.audit import audit_log
from smartwork.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
)
from smartwork.core.mail import mail_later
from smartwork.core.permissions import require
from smartwork.network.choices import RANGE_KINDS
from smartwork.network.models import Centre, Resource
from smartwork.network.selectors import bookable_network_ids


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


def _authed(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated(_("Log in first."))


# --- The directory profile ------------------------------------------------------------


def profile_get_or_create(*, member: User) -> MemberProfile:
    profile, _created = MemberProfile.objects.get_or_create(member=member)
    return profile


def profile_update(*, actor: User, listed: bool, centre: Centre | None = None,
                   show_company: bool = False, skills: str = "", show_skills: bool = True,
                   looking_for: str = "", show_looking_for: bool = True) -> MemberProfile:
    """The member's own directory entry: whether they are listed and what it shows."""
    _authed(actor)
    skills, looking_for = (skills or "").strip(), (looking_for or "").strip()
    fields: dict[str, list[str]] = {}
    if len(skills) > 300:
        fields["skills"] = [_("At most 300 characters.")]
    if len(looking_for) > 300:
        fields["looking_for"] = [_("At most 300 characters.")]
    if centre is not None and centre.network_id not in bookable_network_ids(
            member=actor, on=timezone.localdate()):
        fields["centre_id"] = [_("A centre of your network.")]
    if listed and actor.network_id is None:
        fields["listed"] = [_("Only a member of a network can be listed.")]
    if fields:
        first = next(iter(fields.values()))[0]
        raise InvalidInput(first, fields=fields)
    with transaction.atomic():
        profile = profile_get_or_create(member=actor)
        profile.listed, profile.centre = listed, centre
        profile.show_company, profile.skills, profile.show_skills = show_company, skills, \
            show_skills
        profile.looking_for, profile.show_looking_for = looking_for, show_looking_for
        profile.save()
        audit_log(actor=actor, action="community.profile_updated", obj=profile,
                  data={"listed": listed}, network_id=actor.network_id)
    return profile


# --- Messages and blocks --------------------------------------------------------------


def _listed(user: User) -> bool:
    return MemberProfile.objects.filter(member=user, listed=True).exists()


def message_send(*, actor: User, recipient: User, body: str,
                 reply_to: Message | None = None, now: dt.datetime | None = None) -> Message:
    """Send `body` to `recipient` through smartwork: stored, then mailed by the outbox
    with the sender's name and a link to reply here. Only between listed members of one
    network (a reply to a message received is always allowed); never to someone who
    blocked the sender; at most MESSAGES_PER_HOUR an hour and MESSAGES_PER_DAY a day."""
    _authed(actor)
    now = now or timezone.now()
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write a message."), fields={"body": [_("Required.")]})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise InvalidInput(_("A message has at most %(n)d characters.") % {
            "n": MESSAGE_MAX_LENGTH}, fields={"body": [_("Too long.")]})
    if recipient.pk == actor.pk:
        raise InvalidInput(_("You cannot write to yourself."),
                           fields={"recipient_id": [_("Yourself.")]})
    replying = reply_to is not None
    if reply_to is not None and (reply_to.recipient_id != actor.pk
                                 or reply_to.sender_id != recipient.pk):
        raise Forbidden(_("You can only reply to a message you received."),
                        code="not_your_message")
    if not replying:
        if not _listed(actor):
            raise Forbidden(_("Show yourself in the directory first: members you write to "
                              "can then answer you."), code="not_listed")
        if not (_listed(recipient) and recipient.is_active
                and recipient.network_id is not None
                and recipient.network_id == actor.network_id):
            # The same answer as for someone who does not exist: nobody learns who is
            # a member without being listed.
            raise Forbidden(_("This member is not in the directory."), code="not_listed")
    with transaction.atomic():
        # The sender's profile row serialises their messages: the count is exact.
        profile = profile_get_or_create(member=actor)
        list(MemberProfile.objects.select_for_update().filter(pk=profile.pk).values_list("pk"))
        if Block.objects.filter(blocker=recipient, blocked=actor).exists():
            raise Forbidden(_("This member does not accept your messages."), code="blocked")
        sent = Message.objects.filter(sender=actor, created_at__gt=now - dt.timedelta(days=1))
        if sent.filter(created_at__gt=now - dt.timedelta(hours=1)).count() >= MESSAGES_PER_HOUR \
                or sent.count() >= MESSAGES_PER_DAY:
            raise RateLimited(_("You have sent many messages lately; try again later."),
                              data={"per_hour": MESSAGES_PER_HOUR, "per_day": MESSAGES_PER_DAY})
        message = Message.objects.create(sender=actor, recipient=recipient, body=body,
                                         reply_to=reply_to)
        if now != message.created_at:
            Message.objects.filter(pk=message.pk).update(created_at=now)
            message.created_at = now
        # No body in the audit entry: the operator never reads messages.
        audit_log(actor=actor, action="community.message_sent", obj=message,
                  data={"recipient": recipient.pk}, network_id=actor.network_id)
        # Someone else's action: it waits for the end of the reader's quiet hours.
        mail_later("smartwork.community.emails.message_mail_send", message_id=message.pk,
                   quiet_for=recipient.pk)
    return message


def message_mark_read(*, actor: User, message: Message) -> None:
    if message.recipient_id == actor.pk and message.read_at is None:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())


def block_create(*, actor: User, member: User) -> Block:
    _authed(actor)
    if member.pk == actor.pk:
        raise InvalidInput(_("You cannot block yourself."), fields={"member_id": [_("Yourself.")]})
    # Only someone who wrote to the actor or whom the actor sees in the directory
    # (selectors.blockable_members): the answer tells nothing about anyone else.
    if not selectors.blockable_members(actor=actor).filter(pk=member.pk).exists():
        raise NotFound(_("No such member."))
    with transaction.atomic():
        block, created = Block.objects.get_or_create(blocker=actor, blocked=member)
        if created:
            audit_log(actor=actor, action="community.blocked", obj=block,
                      data={"blocked": member.pk}, network_id=actor.network_id)
    return block


def block_delete(*, actor: User, member: User) -> int:
    """Unblock `member`; the number of blocks removed (0 or 1). Someone the actor may not
    block (selectors.blockable_members) is not found, like an id that does not exist."""
    _authed(actor)
    if not selectors.blockable_members(actor=actor).filter(pk=member.pk).exists():
        raise NotFound(_("No such member."))
    with transaction.atomic():
        deleted, _rows = Block.objects.filter(blocker=actor, blocked=member).delete()
        if deleted:
            audit_log(actor=actor, action="community.unblocked", obj=None,
                      data={"unblocked": member.pk}, network_id=actor.network_id)
    return deleted


# --- Events ---------------------------------------------------------------------------


def _event_times(centre: Centre, on: dt.date, start: dt.time, end: dt.time
                 ) -> tuple[dt.datetime, dt.datetime]:
    tz = zone(centre.timezone)
    return (dt.datetime.combine(on, start, tzinfo=tz), dt.datetime.combine(on, end, tzinfo=tz))


def event_create(*, actor: User, centre: Centre, title: str, on: dt.date,
                 start_time: dt.time, end_time: dt.time, capacity: int,
                 description: str = "", kind: str = EventKind.TALK, language: str = "",
                 room: Resource | None = None, now: dt.datetime | None = None) -> Event:
    """An event at `centre`, by its manager or the operator of its network. With a room,
    the room is booked for the event through the booking engine in the same transaction
    (a taken room refuses the event: 409, nothing stored)."""
    require(actor, "centre.events", centre=centre)
    now = now or timezone.now()
    title, description = (title or "").strip(), (description or "").strip()
    language = language or getattr(actor, "language", "") or "fr"
    fields: dict[str, list[str]] = {}
    if not title:
        fields["title"] = [_("Required.")]
    elif len(title) > 200:
        fields["title"] = [_("At most 200 characters.")]
    if len(description) > 4000:
        fields["description"] = [_("At most 4000 characters.")]
    if kind not in EventKind.values:
        fields["kind"] = [_("Unknown kind.")]
    if language not in EVENT_LANGUAGES:
        fields["language"] = [_("fr, nl, de or en.")]
    if capacity is None or capacity < 1:
        fields["capacity"] = [_("At least 1 person.")]
    elif capacity > 10000:
        fields["capacity"] = [_("At most 10000 people.")]
    if end_time <= start_time:
        fields["end_time"] = [_("The end comes after the start.")]
    starts_at, ends_at = _event_times(centre, on, start_time, end_time)
    if "end_time" not in fields and starts_at <= now:
        fields["date"] = [_("This time is in the past.")]
    if room is not None:
        if room.centre_id != centre.pk:
            fields["room_id"] = [_("A room of this centre.")]
        elif room.kind not in RANGE_KINDS:
            fields["room_id"] = [_("A meeting room.")]
        elif capacity is not None and capacity > room.capacity:
            fields["capacity"] = [_("The room holds %(n)d people.") % {"n": room.capacity}]
    if fields:
        first = next(iter(fields.values()))[0]
        raise InvalidInput(first, fields=fields)

    with sqlite_writer_queue(), transaction.atomic():
        booking = None
        if room is not None:
            try:
                booking = booking_services.booking_create(
                    actor=actor, resource=room, slot=Slot.RANGE, on=on,
                    start_time=start_time, end_time=end_time, now=now, notify=False,
                    note=_("Event: %(title)s") % {"title": title[:150]})
            except DomainError as exc:
                if isinstance(exc, Conflict) and exc.code == "slot_taken":
                    raise Conflict(
                        _("The room %(room)s is taken at that time: choose another time or "
                          "room.") % {"room": room.name},
                        code="room_taken", fields={"room_id": [_("Taken.")]}) from exc
                # Closed that day, beyond the booking window, ...: the engine's reason.
                raise DomainError(exc.message, code=exc.code, status=exc.status,
                                  fields=exc.fields or {"room_id": [exc.message]},
                                  data=exc.data) from exc
        event = Event.objects.create(
            centre=centre, kind=kind, title=title, description=description,
            language=language, starts_at=starts_at, ends_at=ends_at, capacity=capacity,
            room=room, booking=booking, created_by=actor)
        audit_log(actor=actor, action="community.event_created", obj=event, data={
            "title": title, "starts_at": starts_at.isoformat(), "capacity": capacity,
            "room": room.pk if room else None, "booking": booking.pk if booking else None})
    return event


def event_cancel(*, actor: User, event: Event, now: dt.datetime | None = None) -> Event:
    """Cancel an event to come (its room booking too); registrations stay as history."""
    require(actor, "centre.events", centre=event.centre)
    now = now or timezone.now()
    with sqlite_writer_queue(), transaction.atomic():
        locked = Event.objects.select_for_update().select_related("centre").get(pk=event.pk)
        if locked.cancelled_at is not None:
            return locked
        if locked.ends_at <= now:
            raise Conflict(_("This event is over."), code="event_over")
        locked.cancelled_at = now
        locked.save(update_fields=["cancelled_at"])
        if locked.booking is not None:
            booking_services.booking_cancel(booking=locked.booking, actor=actor, now=now,
                                            reason=_("Event cancelled"), notify=False)
        audit_log(actor=actor, action="community.event_cancelled", obj=locked)
    return locked


def _may_attend(member: User, event: Event, on: dt.date) -> bool:
    return event.centre.network_id in bookable_network_ids(member=member, on=on)


def event_register(*, actor: User, event: Event, now: dt.datetime | None = None
                   ) -> Registration:
    """A place for the actor at `event`, never beyond its capacity (event row locked,
    places counted from the registration rows). Registering twice keeps one place."""
    _authed(actor)
    now = now or timezone.now()
    if not _may_attend(actor, event, now.date()):
        raise Forbidden(_("This event is for members of the centre's network."),
                        code="network_not_allowed")
    with sqlite_writer_queue(), transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            raise Conflict(_("This event is cancelled."), code="event_cancelled")
        if locked.starts_at <= now:
            raise Conflict(_("This event has started: registration is closed."),
                           code="event_started")
        mine = Registration.objects.filter(event=locked, member=actor).first()
        if mine is not None and mine.cancelled_at is None:
            return mine
        taken = Registration.objects.filter(event=locked, cancelled_at__isnull=True).count()
        if taken >= locked.capacity:
            raise Conflict(_("This event is full."), code="event_full",
                           data={"capacity": locked.capacity})
        if mine is None:
            mine = Registration.objects.create(event=locked, member=actor)
        else:
            mine.cancelled_at = None
            mine.save(update_fields=["cancelled_at", "updated_at"])
        audit_log(actor=actor, action="community.registered", obj=mine,
                  data={"event": locked.pk}, network_id=event.centre.network_id)
    return mine


def event_unregister(*, actor: User, event: Event, now: dt.datetime | None = None) -> bool:
    """Give the place back (before the event starts). False: there was none."""
    _authed(actor)
    now = now or timezone.now()
    with sqlite_writer_queue(), transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        mine = Registration.objects.filter(event=locked, member=actor,
                                           cancelled_at__isnull=True).first()
        if mine is None:
            return False
        if locked.starts_at <= now:
            raise Conflict(_("This event has started."), code="event_started")
        mine.cancelled_at = now
        mine.save(update_fields=["cancelled_at", "updated_at"])
        audit_log(actor=actor, action="community.unregistered", obj=mine,
                  data={"event": locked.pk}, network_id=event.centre.network_id)
    return True


def registration_check_in(*, actor: User, registration: Registration,
                          now: dt.datetime | None = None) -> Registration:
    """The front desk checks a registered person in (on the event's day)."""
    event = registration.event
    require(actor, "centre.front_desk", centre=event.centre)
    now = now or timezone.now()
    if registration.cancelled_at is not None:
        raise Conflict(_("This person is no longer registered."), code="not_registered")
    tz = zone(event.centre.timezone)
    if event.cancelled_at is not None:
        raise Conflict(_("This event is cancelled."), code="event_cancelled")
    if now.astimezone(tz).date() != event.starts_at.astimezone(tz).date():
        raise Conflict(_("Check-in is on the day of the event."), code="not_today")
    with transaction.atomic():
        updated = Registration.objects.filter(pk=registration.pk,
                                              checked_in_at__isnull=True).update(
            checked_in_at=now, updated_at=now)
        if updated:
            audit_log(actor=actor, action="community.checked_in", obj=registration,
                      data={"event": event.pk}, network_id=event.centre.network_id)
    registration.refresh_from_db()
    return registration

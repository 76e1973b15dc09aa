"""Reads of the community, each scoped by the acting user:

- the directory: listed members of the viewer's own network, each showing only what
  they chose (never an email);
- messages: the actor's own, received or sent, and nobody else's (no role reads them);
- events: those of the centres the member may book, or of the centres a manager or
  operator runs; registrations of an event for its staff only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import User
from smartwork.community.models import Block, Event, MemberProfile, Message, Registration
from smartwork.core.errors import NotAuthenticated, NotFound
from smartwork.core.permissions import allowed, require
from smartwork.network.models import Centre
from smartwork.network.selectors import bookable_network_ids, centres_for_staff


def _authed(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated(_("Log in first."))


@dataclass(frozen=True)
class DirectoryEntry:
    member_id: int
    name: str
    company: str | None
    centre: str | None
    centre_id: int | None
    skills: str | None
    looking_for: str | None


def _entry(profile: MemberProfile) -> DirectoryEntry:
    member = profile.member
    return DirectoryEntry(
        member_id=member.pk, name=member.get_full_name() or member.get_short_name(),
        company=(member.company.legal_name if profile.show_company and member.company
                 else None),
        centre=profile.centre.name if profile.centre else None, centre_id=profile.centre_id,
        skills=profile.skills if profile.show_skills and profile.skills else None,
        looking_for=(profile.looking_for if profile.show_looking_for and profile.looking_for
                     else None))


def _listed_profiles(actor: User) -> QuerySet[MemberProfile]:
    """The profiles the actor sees in the directory: listed, active, of their network."""
    return MemberProfile.objects.filter(listed=True, member__is_active=True,
                                        member__network_id=actor.network_id or -1)


def directory(*, actor: User, centre_id: int | None = None, q: str = "") -> list[DirectoryEntry]:
    """The listed members of the actor's network (by usual centre if asked)."""
    _authed(actor)
    if actor.network_id is None:
        return []
    qs = (_listed_profiles(actor).select_related("member__company", "centre")
          .order_by("member__last_name", "member__first_name", "member_id"))
    if centre_id is not None:
        qs = qs.filter(centre_id=centre_id)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(member__first_name__icontains=q) | Q(member__last_name__icontains=q)
                       | Q(skills__icontains=q, show_skills=True)
                       | Q(looking_for__icontains=q, show_looking_for=True))
    return [_entry(p) for p in qs[:500]]


def directory_member(*, actor: User, member_id: int) -> DirectoryEntry:
    """One listed member of the actor's network; anyone else is not found."""
    _authed(actor)
    profile = (_listed_profiles(actor).select_related("member__company", "centre")
               .filter(member_id=member_id).first())
    if profile is None:
        raise NotFound(_("No such member in the directory."))
    return _entry(profile)


def directory_centres(*, actor: User) -> QuerySet[Centre]:
    """The centres of the actor's network (to filter the directory by)."""
    return Centre.objects.filter(network_id=actor.network_id or -1).order_by("name")


def messages_of(*, actor: User) -> QuerySet[Message]:
    """The actor's messages, received and sent: nobody else's, whatever their role."""
    _authed(actor)
    return (Message.objects.select_related("sender", "recipient")
            .filter(Q(sender=actor) | Q(recipient=actor)).order_by("-created_at", "-pk"))


def message_get(*, actor: User, message_id: int) -> Message:
    message = messages_of(actor=actor).filter(pk=message_id).first()
    if message is None:
        raise NotFound(_("No such message."))
    return message


def unread_count(*, actor: User) -> int:
    return Message.objects.filter(recipient=actor, read_at__isnull=True).count()


def blocked_ids(*, actor: User) -> set[int]:
    return set(Block.objects.filter(blocker=actor).values_list("blocked_id", flat=True))


def blockable_members(*, actor: User) -> QuerySet[User]:
    """Whom the actor may block or unblock: a member they see in the directory, one who
    wrote to them (a reply is always allowed), one they block already. Nobody else: an
    id outside these answers as one that does not exist."""
    _authed(actor)
    return User.objects.filter(
        Q(pk__in=_listed_profiles(actor).values("member_id"))
        | Q(pk__in=Message.objects.filter(recipient=actor).values("sender_id"))
        | Q(pk__in=Block.objects.filter(blocker=actor).values("blocked_id"))
    ).exclude(pk=actor.pk)


def blockable_member(*, actor: User, member_id: int) -> User:
    member = blockable_members(actor=actor).filter(pk=member_id).first()
    if member is None:
        raise NotFound(_("No such member."))
    return member


def blocked_members(*, actor: User) -> QuerySet[User]:
    return User.objects.filter(pk__in=Block.objects.filter(blocker=actor)
                               .values("blocked_id")).order_by("last_name", "first_name")


# --- Events ---------------------------------------------------------------------------


def _with_counts(qs: QuerySet[Event]) -> QuerySet[Event]:
    return qs.select_related("centre", "room").annotate(
        taken=Count("registrations", filter=Q(registrations__cancelled_at__isnull=True)))


def events_upcoming(*, actor: User, centre: Centre | None = None,
                    now: dt.datetime | None = None) -> QuerySet[Event]:
    """Events to come that the member may attend (the centres of their network and of
    its allies), or those of one centre."""
    _authed(actor)
    now = now or timezone.now()
    networks = bookable_network_ids(member=actor, on=now.date())
    qs = Event.objects.filter(cancelled_at__isnull=True, ends_at__gt=now,
                              centre__network_id__in=networks)
    if centre is not None:
        qs = qs.filter(centre=centre)
    return _with_counts(qs).order_by("starts_at", "pk")


def centre_events_public(*, centre: Centre, now: dt.datetime | None = None,
                         limit: int = 10) -> list[Event]:
    """A centre's events to come, for its page in the finder."""
    now = now or timezone.now()
    return list(_with_counts(Event.objects.filter(
        centre=centre, cancelled_at__isnull=True, ends_at__gt=now)).order_by("starts_at")[:limit])


def my_registrations(*, actor: User, now: dt.datetime | None = None) -> QuerySet[Registration]:
    _authed(actor)
    now = now or timezone.now()
    return (Registration.objects.select_related("event__centre")
            .filter(member=actor, cancelled_at__isnull=True, event__cancelled_at__isnull=True,
                    event__ends_at__gt=now).order_by("event__starts_at"))


def registered_event_ids(*, actor: User) -> set[int]:
    return set(Registration.objects.filter(member=actor, cancelled_at__isnull=True)
               .values_list("event_id", flat=True))


def event_get(*, actor: User, event_id: int) -> Event:
    """An event the actor may see: one they may attend, or one of a centre they staff."""
    _authed(actor)
    event = _with_counts(Event.objects.filter(pk=event_id)).first()
    if event is None:
        raise NotFound(_("No such event."))
    if event.centre.network_id in bookable_network_ids(member=actor, on=timezone.localdate()):
        return event
    if allowed(actor, "centre.front_desk", centre=event.centre):
        return event
    raise NotFound(_("No such event."))


def staff_events(*, actor: User, centre: Centre) -> QuerySet[Event]:
    """A centre's events (past month on) for its manager or the network's operator."""
    require(actor, "centre.events", centre=centre)
    since = timezone.now() - dt.timedelta(days=30)
    return _with_counts(Event.objects.filter(centre=centre, ends_at__gt=since)).order_by(
        "starts_at", "pk")


def event_registrations(*, actor: User, event: Event) -> QuerySet[Registration]:
    """Who registered, for the centre's staff (front desk, manager, operator)."""
    require(actor, "centre.front_desk", centre=event.centre)
    return (Registration.objects.select_related("member").filter(
        event=event, cancelled_at__isnull=True).order_by("member__last_name",
                                                          "member__first_name", "pk"))


def desk_events(*, actor: User, centre: Centre, on: dt.date) -> list[Event]:
    """The events of `on` at the centre, for the front desk."""
    from smartwork.bookings.slots import zone

    require(actor, "centre.front_desk", centre=centre)
    tz = zone(centre.timezone)
    start = dt.datetime.combine(on, dt.time(0, 0), tzinfo=tz)
    end = start + dt.timedelta(days=1)
    return list(_with_counts(Event.objects.filter(
        centre=centre, cancelled_at__isnull=True, starts_at__lt=end,
        ends_at__gt=start)).order_by("starts_at"))


def registration_get(*, actor: User, registration_id: int) -> Registration:
    reg = (Registration.objects.select_related("event__centre", "member")
           .filter(pk=registration_id).first())
    if reg is None or not allowed(actor, "centre.front_desk", centre=reg.event.centre):
        raise NotFound(_("No such registration."))
    return reg


def staff_centres(*, actor: User) -> list[Centre]:
    """Centres where the actor may create events."""
    return [c for c in centres_for_staff(actor=actor).order_by("name")
            if allowed(actor, "centre.events", centre=c)]

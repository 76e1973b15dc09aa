"""The community API: the directory, messages and blocks, events and registrations, the
front desk's check-in. Thin: parse, call a selector or a service, return."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from smartwork.accounts.models import User
from smartwork.community import selectors, services
from smartwork.community.models import Event, Message, Registration
from smartwork.community.schemas import (
    BlockIn,
    DirectoryQuery,
    EventIn,
    EventOut,
    EventQuery,
    MemberOut,
    MessageIn,
    MessageOut,
    ProfileIn,
    ProfileOut,
    RegistrationOut,
)
from smartwork.core.errors import InvalidInput, NotAuthenticated, NotFound
from smartwork.network.models import Centre, Resource

router = Router(tags=["community"])


def _user(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        raise NotAuthenticated(_("Log in first."))
    return request.user


def _name(user: User) -> str:
    return user.get_full_name() or _("A member")


def _message_out(m: Message) -> dict[str, Any]:
    return {"id": m.pk, "sender_id": m.sender_id, "sender_name": _name(m.sender),
            "recipient_id": m.recipient_id, "recipient_name": _name(m.recipient),
            "body": m.body, "reply_to_id": m.reply_to_id, "created_at": m.created_at,
            "read_at": m.read_at}


def _event_out(e: Event, mine: set[int]) -> dict[str, Any]:
    return {"id": e.pk, "centre_id": e.centre_id, "centre_name": e.centre.name, "kind": e.kind,
            "title": e.title, "description": e.description, "language": e.language,
            "starts_at": e.starts_at, "ends_at": e.ends_at, "capacity": e.capacity,
            "taken": getattr(e, "taken", 0), "room_id": e.room_id, "booking_id": e.booking_id,
            "cancelled": e.cancelled_at is not None, "registered": e.pk in mine}


def _reg_out(r: Registration) -> dict[str, Any]:
    return {"id": r.pk, "event_id": r.event_id, "member_id": r.member_id,
            "member_name": _name(r.member), "checked_in_at": r.checked_in_at}


# --- Directory ------------------------------------------------------------------------


@router.get("/community/profile", response=ProfileOut, summary="My directory entry")
def profile_get(request: HttpRequest) -> Any:
    return services.profile_get_or_create(member=_user(request))


@router.put("/community/profile", response=ProfileOut,
            summary="Opt in or out of the directory and choose what it shows")
def profile_put(request: HttpRequest, data: ProfileIn) -> Any:
    user = _user(request)
    centre = None
    if data.centre_id is not None:
        centre = Centre.objects.filter(pk=data.centre_id).first()
        if centre is None:
            raise InvalidInput(_("No such centre."), fields={"centre_id": [_("Not found.")]})
    return services.profile_update(
        actor=user, listed=data.listed, centre=centre, show_company=data.show_company,
        skills=data.skills, show_skills=data.show_skills, looking_for=data.looking_for,
        show_looking_for=data.show_looking_for)


@router.get("/community/members", response=list[MemberOut],
            summary="The members' directory of my network (opted-in members only)")
def directory(request: HttpRequest, q: Query[DirectoryQuery]) -> Any:
    return selectors.directory(actor=_user(request), centre_id=q.centre_id, q=q.q)


@router.get("/community/members/{member_id}", response=MemberOut,
            summary="One member of the directory")
def directory_member(request: HttpRequest, member_id: int) -> Any:
    return selectors.directory_member(actor=_user(request), member_id=member_id)


# --- Messages and blocks --------------------------------------------------------------


@router.get("/community/messages", response=list[MessageOut],
            summary="My messages, received and sent (newest first)")
def messages(request: HttpRequest) -> Any:
    return [_message_out(m) for m in selectors.messages_of(actor=_user(request))[:200]]


@router.post("/community/messages", response={201: MessageOut},
             summary="Write to a member through smartwork (mailed without your address)")
def message_send(request: HttpRequest, data: MessageIn) -> Any:
    user = _user(request)
    recipient = User.objects.filter(pk=data.recipient_id).first()
    if recipient is None:
        raise NotFound(_("This member is not in the directory."))
    reply_to = None
    if data.reply_to_id is not None:
        reply_to = selectors.message_get(actor=user, message_id=data.reply_to_id)
    message = services.message_send(actor=user, recipient=recipient, body=data.body,
                                    reply_to=reply_to)
    return Status(201, _message_out(message))


@router.get("/community/messages/{message_id}", response=MessageOut, summary="One message")
def message_get(request: HttpRequest, message_id: int) -> Any:
    user = _user(request)
    message = selectors.message_get(actor=user, message_id=message_id)
    services.message_mark_read(actor=user, message=message)
    return _message_out(message)


@router.post("/community/blocks", response={201: BlockIn},
             summary="Block a member: their messages no longer reach me")
def block_create(request: HttpRequest, data: BlockIn) -> Any:
    user = _user(request)
    member = selectors.blockable_member(actor=user, member_id=data.member_id)
    services.block_create(actor=user, member=member)
    return Status(201, {"member_id": member.pk})


@router.delete("/community/blocks/{member_id}", response={204: None},
               summary="Unblock a member")
def block_delete(request: HttpRequest, member_id: int) -> Any:
    user = _user(request)
    member = User.objects.filter(pk=member_id).first()
    # Whom the actor does not block (anyone else, or nobody) is one answer: not found.
    if member is None or member.pk not in selectors.blocked_ids(actor=user) \
            or not services.block_delete(actor=user, member=member):
        raise NotFound(_("You do not block this member."))
    return Status(204, None)


# --- Events ---------------------------------------------------------------------------


@router.get("/community/events", response=list[EventOut],
            summary="Events to come at the centres I may book")
def events(request: HttpRequest, q: Query[EventQuery]) -> Any:
    user = _user(request)
    centre = None
    if q.centre_id is not None:
        centre = Centre.objects.filter(pk=q.centre_id).first()
        if centre is None:
            raise NotFound(_("No such centre."))
    mine = selectors.registered_event_ids(actor=user)
    return [_event_out(e, mine) for e in selectors.events_upcoming(actor=user, centre=centre)]


@router.post("/community/events", response={201: EventOut},
             summary="Create an event at a centre (its manager or the network's operator)")
def event_create(request: HttpRequest, data: EventIn) -> Any:
    user = _user(request)
    centre = Centre.objects.filter(pk=data.centre_id).first()
    if centre is None:
        raise NotFound(_("No such centre."))
    room = None
    if data.room_id is not None:
        room = Resource.objects.filter(pk=data.room_id).first()
        if room is None:
            raise InvalidInput(_("No such room."), fields={"room_id": [_("Not found.")]})
    event = services.event_create(
        actor=user, centre=centre, title=data.title, description=data.description,
        kind=data.kind, language=data.language, on=data.date, start_time=data.start_time,
        end_time=data.end_time, capacity=data.capacity, room=room)
    return Status(201, _event_out(selectors.event_get(actor=user, event_id=event.pk), set()))


@router.get("/community/events/{event_id}", response=EventOut, summary="One event")
def event_get(request: HttpRequest, event_id: int) -> Any:
    user = _user(request)
    return _event_out(selectors.event_get(actor=user, event_id=event_id),
                      selectors.registered_event_ids(actor=user))


@router.post("/community/events/{event_id}/cancel", response=EventOut,
             summary="Cancel an event (and its room booking)")
def event_cancel(request: HttpRequest, event_id: int) -> Any:
    user = _user(request)
    event = selectors.event_get(actor=user, event_id=event_id)
    services.event_cancel(actor=user, event=event)
    return _event_out(selectors.event_get(actor=user, event_id=event_id), set())


@router.post("/community/events/{event_id}/registration", response={201: RegistrationOut},
             summary="Register for an event (never beyond its capacity)")
def event_register(request: HttpRequest, event_id: int) -> Any:
    user = _user(request)
    event = selectors.event_get(actor=user, event_id=event_id)
    reg = services.event_register(actor=user, event=event)
    return Status(201, _reg_out(reg))


@router.delete("/community/events/{event_id}/registration", response={204: None},
               summary="Give my place back")
def event_unregister(request: HttpRequest, event_id: int) -> Any:
    user = _user(request)
    event = selectors.event_get(actor=user, event_id=event_id)
    if not services.event_unregister(actor=user, event=event):
        raise NotFound(_("You are not registered for this event."))
    return Status(204, None)


@router.get("/community/events/{event_id}/registrations", response=list[RegistrationOut],
            summary="Who registered (the centre's front desk, manager, operator)")
def event_registrations(request: HttpRequest, event_id: int) -> Any:
    user = _user(request)
    event = selectors.event_get(actor=user, event_id=event_id)
    return [_reg_out(r) for r in selectors.event_registrations(actor=user, event=event)]


@router.post("/community/registrations/{registration_id}/check-in",
             response=RegistrationOut, summary="Check a registered person in (front desk)")
def registration_check_in(request: HttpRequest, registration_id: int) -> Any:
    user = _user(request)
    reg = selectors.registration_get(actor=user, registration_id=registration_id)
    return _reg_out(services.registration_check_in(actor=user, registration=reg))

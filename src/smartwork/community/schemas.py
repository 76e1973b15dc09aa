from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ProfileIn(Schema):
    listed: bool = Field(..., description="Show me in the members' directory")
    centre_id: int | None = Field(None, description="My usual centre (in my network)")
    show_company: bool = False
    skills: str = Field("", max_length=300)
    show_skills: bool = True
    looking_for: str = Field("", max_length=300)
    show_looking_for: bool = True


class ProfileOut(Schema):
    listed: bool
    centre_id: int | None
    show_company: bool
    skills: str
    show_skills: bool
    looking_for: str
    show_looking_for: bool


class DirectoryQuery(Schema):
    centre_id: int | None = Field(None, description="Only members whose usual centre it is")
    q: str = Field("", max_length=100, description="Name, skill or what they look for")


class MemberOut(Schema):
    """A directory entry: only what the member chose to show; never an email."""

    member_id: int
    name: str
    company: str | None
    centre: str | None
    centre_id: int | None
    skills: str | None
    looking_for: str | None


class MessageIn(Schema):
    recipient_id: int
    body: str = Field(..., max_length=2000)
    reply_to_id: int | None = Field(None, description="The message received you answer")


class MessageOut(Schema):
    id: int
    sender_id: int
    sender_name: str
    recipient_id: int
    recipient_name: str
    body: str
    reply_to_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class BlockIn(Schema):
    member_id: int


class EventIn(Schema):
    centre_id: int
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=4000)
    kind: str = Field("talk", description="talk, lunch, workshop or other")
    language: str = Field("", description="fr, nl, de or en (default: the author's)")
    date: dt.date = Field(..., description="The day, in the centre's time zone")
    start_time: dt.time = Field(..., description="Local start (rooms: 15-minute grid)")
    end_time: dt.time
    capacity: int = Field(..., description="At least 1; no more than the room holds")
    room_id: int | None = Field(None, description="A meeting room of the centre, booked "
                                                  "for the event")


class EventOut(Schema):
    id: int
    centre_id: int
    centre_name: str
    kind: str
    title: str
    description: str
    language: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    taken: int
    room_id: int | None
    booking_id: int | None
    cancelled: bool
    registered: bool


class EventQuery(Schema):
    centre_id: int | None = None


class RegistrationOut(Schema):
    id: int
    event_id: int
    member_id: int
    member_name: str
    checked_in_at: dt.datetime | None

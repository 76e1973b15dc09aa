from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class WifiLoginOut(Schema):
    username: str
    is_active: bool
    password_set_at: dt.datetime
    created_at: dt.datetime


class WifiPasswordOut(Schema):
    username: str
    password: str = Field(..., description="Shown once: it is stored only as a hash.")


class IdentityPatch(Schema):
    is_active: bool


class IdentityOut(Schema):
    id: int
    member_id: int
    username: str
    is_active: bool
    locked_until: dt.datetime | None


class PresenceOut(Schema):
    id: int
    member_id: int
    member_name: str = Field(..., alias="member.get_full_name")
    member_email: str = Field(..., alias="member.email")
    centre_id: int
    centre_name: str = Field(..., alias="centre.name")
    nas_id: int
    acct_session_id: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    last_update_at: dt.datetime
    input_octets: int
    output_octets: int
    stop_cause: str


class AuthAttemptOut(Schema):
    id: int
    created_at: dt.datetime
    username: str
    member_id: int | None
    centre_id: int | None
    nas_id: int | None
    result: str
    reason: str
    via: str
    session_timeout: int | None
    calling_station_id: str


class NasIn(Schema):
    centre_id: int
    name: str = Field(..., min_length=1, max_length=100)
    address: str = Field(..., description="IP address or CIDR range", examples=["10.1.2.0/28"])
    secret: str | None = Field(None, description="Generated when left out (shown once).")
    require_message_authenticator: bool | None = None


class NasPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    address: str | None = None
    is_active: bool | None = None
    require_message_authenticator: bool | None = None


class NasSecretIn(Schema):
    secret: str | None = None


class NasOut(Schema):
    id: int
    centre_id: int
    name: str
    address: str
    require_message_authenticator: bool
    is_active: bool
    created_at: dt.datetime


class NasWithSecretOut(NasOut):
    secret: str = Field(..., description="Type it into the access point; shown once.")


class RestTokenIn(Schema):
    network_id: int
    name: str = Field(..., min_length=1, max_length=100)


class RestTokenOut(Schema):
    id: int
    network_id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class RestTokenCreatedOut(RestTokenOut):
    token: str = Field(..., description="Shown once.")

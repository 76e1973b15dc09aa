"""WiFi API: a member's login, the operator's access points, presence and
authentication log, and the endpoints FreeRADIUS (rlm_rest) calls."""

import datetime as dt
import ipaddress
import math
import re
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import APIKeyHeader, HttpBasicAuth
from pydantic import Field

from smartwork.core.errors import InvalidInput, NotFound
from smartwork.core.forms import id_from_text
from smartwork.core.guard import DB_INT_MAX, DB_INT_MIN
from smartwork.network.models import Centre, Network
from smartwork.wifi import selectors, services
from smartwork.wifi.choices import ACCT_STATUS_CODES, ACCT_STATUS_NAMES, AuthReason, Via
from smartwork.wifi.models import Nas, RadiusRestToken
from smartwork.wifi.schemas import (
    AuthAttemptOut,
    IdentityOut,
    IdentityPatch,
    NasIn,
    NasOut,
    NasPatch,
    NasSecretIn,
    NasWithSecretOut,
    PresenceOut,
    RestTokenCreatedOut,
    RestTokenIn,
    RestTokenOut,
    WifiLoginOut,
    WifiPasswordOut,
)
from smartwork.wifi.server import PUBLIC_MESSAGES

router = Router(tags=["wifi"])


# --- The member's own login -----------------------------------------------------


@router.get("/wifi/me", response=WifiLoginOut, summary="My WiFi login (username)")
def my_login(request: HttpRequest) -> Any:
    return selectors.wifi_identity_for_member(member=request.user)  # type: ignore[arg-type]


@router.post("/wifi/me/password", response=WifiPasswordOut,
             summary="Create my WiFi login or give it a new password (shown once)")
def my_password(request: HttpRequest) -> Any:
    identity, password = services.wifi_identity_rotate_password(
        member=request.user, actor=request.user  # type: ignore[arg-type]
    )
    return {"username": identity.username, "password": password}


# --- Operator: identities, access points, tokens ---------------------------------


@router.patch("/wifi/identities/{identity_id}", response=IdentityOut,
              summary="Disable or enable a member's WiFi login")
def identity_update(request: HttpRequest, identity_id: int, data: IdentityPatch) -> Any:
    identity = selectors.wifi_identity_get(actor=request.user, identity_id=identity_id)  # type: ignore[arg-type]
    return services.wifi_identity_set_active(identity=identity, active=data.is_active,
                                             actor=request.user)  # type: ignore[arg-type]


@router.get("/wifi/access-points", response=list[NasOut], summary="Access points (NAS)")
@paginate(LimitOffsetPagination)
def nas_list(request: HttpRequest, centre: int | None = None) -> Any:
    return selectors.nas_list(actor=request.user, centre=centre)  # type: ignore[arg-type]


def _with_secret(nas: Nas, secret: str) -> dict[str, Any]:
    return {**NasOut.from_orm(nas).dict(), "secret": secret}


@router.post("/wifi/access-points", response={201: NasWithSecretOut},
             summary="Register an access point (its secret is shown once)")
def nas_create(request: HttpRequest, data: NasIn) -> Any:
    centre = Centre.objects.filter(pk=data.centre_id).first()
    if centre is None:
        raise InvalidInput(_("No such centre."), fields={"centre_id": [_("Unknown centre.")]})
    nas, secret = services.nas_create(
        actor=request.user, centre=centre, name=data.name, address=data.address,  # type: ignore[arg-type]
        secret=data.secret, require_message_authenticator=data.require_message_authenticator,
    )
    return Status(201, _with_secret(nas, secret))


@router.patch("/wifi/access-points/{nas_id}", response=NasOut)
def nas_update(request: HttpRequest, nas_id: int, data: NasPatch) -> Any:
    nas = selectors.nas_get(actor=request.user, nas_id=nas_id)  # type: ignore[arg-type]
    return services.nas_update(actor=request.user, nas=nas, **data.dict(exclude_unset=True))  # type: ignore[arg-type]


@router.post("/wifi/access-points/{nas_id}/secret", response=NasWithSecretOut,
             summary="Set or generate a new shared secret (shown once)")
def nas_secret(request: HttpRequest, nas_id: int, data: NasSecretIn) -> Any:
    nas = selectors.nas_get(actor=request.user, nas_id=nas_id)  # type: ignore[arg-type]
    nas, secret = services.nas_rotate_secret(actor=request.user, nas=nas, secret=data.secret)  # type: ignore[arg-type]
    return _with_secret(nas, secret)


@router.get("/wifi/rest-tokens", response=list[RestTokenOut], summary="FreeRADIUS tokens")
def token_list(request: HttpRequest) -> Any:
    return list(selectors.radius_token_list(actor=request.user))  # type: ignore[arg-type]


@router.post("/wifi/rest-tokens", response={201: RestTokenCreatedOut},
             summary="A token for a FreeRADIUS server (shown once)")
def token_create(request: HttpRequest, data: RestTokenIn) -> Any:
    network = Network.objects.filter(pk=data.network_id).first()
    if network is None:
        raise InvalidInput(_("No such network."), fields={"network_id": [_("Unknown network.")]})
    token, raw = services.radius_token_create(actor=request.user, network=network, name=data.name)  # type: ignore[arg-type]
    return Status(201, {**RestTokenOut.from_orm(token).dict(), "token": raw})


@router.post("/wifi/rest-tokens/{token_id}/revoke", response=RestTokenOut)
def token_revoke(request: HttpRequest, token_id: int) -> Any:
    token = selectors.radius_token_list(actor=request.user).filter(pk=token_id).first()  # type: ignore[arg-type]
    if token is None:
        raise NotFound(_("No such token."))
    return services.radius_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]


# --- Operator: presence and authentication log -----------------------------------


class PresenceQuery(Schema):
    centre: int | None = None
    member: int | None = None
    open: bool | None = Field(None, description="Only open (true) or closed (false) sessions")
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@router.get("/wifi/sessions", response=list[PresenceOut], summary="Presence sessions (WiFi)")
@paginate(LimitOffsetPagination)
def presence_list(request: HttpRequest, filters: Query[PresenceQuery]) -> Any:
    return selectors.presence_session_list(
        actor=request.user, filters=selectors.PresenceFilters(**filters.dict())  # type: ignore[arg-type]
    )


class AttemptQuery(Schema):
    centre: int | None = None
    member: int | None = None
    username: str | None = None
    result: str | None = None
    reason: str | None = None
    since: dt.datetime | None = None


@router.get("/wifi/auth-attempts", response=list[AuthAttemptOut],
            summary="Authentication log: every accept and reject with its reason")
@paginate(LimitOffsetPagination)
def attempt_list(request: HttpRequest, filters: Query[AttemptQuery]) -> Any:
    return selectors.auth_attempt_list(
        actor=request.user, filters=selectors.AttemptFilters(**filters.dict())  # type: ignore[arg-type]
    )


# --- FreeRADIUS rlm_rest ---------------------------------------------------------


class RadiusTokenHeader(APIKeyHeader):
    """`X-Radius-Token: swr_...`"""

    param_name = "X-Radius-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return services.radius_token_authenticate(raw=key or "")


class RadiusTokenBasic(HttpBasicAuth):
    """HTTP Basic with the token as password (rlm_rest `auth = basic`)."""

    def authenticate(self, request: HttpRequest, username: str, password: str) -> Any:
        return services.radius_token_authenticate(raw=password or "")


RADIUS_AUTH = [RadiusTokenHeader(), RadiusTokenBasic()]


def _value(body: dict[str, Any], name: str) -> Any:
    """rlm_rest sends {"Attr": {"type": ..., "value": [v]}}; a custom `data` template
    may send {"Attr": v}. Both are read."""
    raw = body.get(name)
    if isinstance(raw, dict):
        raw = raw.get("value")
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    return raw


def _str(body: dict[str, Any], name: str) -> str:
    value = _value(body, name)
    return "" if value is None else str(value)


_INTEGER = re.compile(r"\s*[+-]?[0-9]{1,20}\s*", re.ASCII)


def _int(body: dict[str, Any], name: str) -> int:
    value = _value(body, name)
    if value in (None, ""):
        return 0
    number: int | None
    if isinstance(value, str):
        # Plain ASCII digits: int() also reads "٣" or "１", and str.isdigit() takes "²".
        number = int(value) if _INTEGER.fullmatch(value) else None
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and math.isfinite(value):  # 1e400 is infinite
        number = int(value)
    else:
        number = None
    if number is None:
        raise InvalidInput(_("%(name)s must be a number.") % {"name": name},
                           fields={name: [_("Not a number.")]})
    if not DB_INT_MIN <= number <= DB_INT_MAX:
        raise InvalidInput(_("%(name)s must be a number.") % {"name": name},
                           fields={name: [_("This number is too large.")]})
    return number


def _nas_for(request: HttpRequest, body: dict[str, Any]) -> Nas:
    """The access point the request is about, in the token's network."""
    token: RadiusRestToken = request.auth  # type: ignore[attr-defined]
    # FreeRADIUS-Client-IP-Address: the packet's source, set by our site config
    # (wifi/freeradius/sites-enabled/smartwork), which FreeRADIUS checked against its
    # clients; a NAS-IP-Address is whatever the access point writes.
    address = (_str(body, "FreeRADIUS-Client-IP-Address") or _str(body, "Packet-Src-IP-Address")
               or _str(body, "NAS-IP-Address") or _str(body, "NAS-IPv6-Address"))
    try:
        ipaddress.ip_address(address)
    except ValueError:
        raise InvalidInput(_("Send NAS-IP-Address (or Packet-Src-IP-Address)."),
                           fields={"NAS-IP-Address": [_("Missing or not an IP address.")]}) from None
    nas = services.nas_for_address(address=address)
    if nas is None or nas.centre.network_id != token.network_id:
        raise NotFound(_("No access point registered at %(ip)s in this network.")
                       % {"ip": address}, code="unknown_nas")
    return nas


@router.post("/wifi/radius/authorize", auth=RADIUS_AUTH, response={204: None},
             summary="rlm_rest authorize: 204 for any username (authenticate decides)")
def rest_authorize(request: HttpRequest, body: Body[dict[str, Any]]) -> Any:
    """The same answer for a known, unknown, locked or disabled login: saying more here
    would tell whoever reaches FreeRADIUS which usernames exist. FreeRADIUS then sends
    the request to `authenticate`, which decides and logs (as the built-in server)."""
    _nas_for(request, body)
    return Status(204, None)


@router.post("/wifi/radius/authenticate", auth=RADIUS_AUTH, response={200: dict, 401: dict},
             summary="rlm_rest authenticate (PAP, or EAP-TTLS/PAP inner): 200 accept, 401 reject")
def rest_authenticate(request: HttpRequest, body: Body[dict[str, Any]]) -> Any:
    nas = _nas_for(request, body)
    username = _str(body, "User-Name")
    if not username:
        raise InvalidInput(_("User-Name is missing."), fields={"User-Name": [_("Required.")]})
    decision = services.radius_authenticate(
        nas=nas, username=username, password=_str(body, "User-Password") or None,
        calling_station_id=_str(body, "Calling-Station-Id"),
    )
    services.auth_attempts_record(decisions=[decision], via=Via.REST)
    if decision.accept:
        reply: dict[str, Any] = {}
        if decision.session_timeout:
            reply["reply:Session-Timeout"] = decision.session_timeout
        return reply
    message = PUBLIC_MESSAGES.get(decision.reason, str(AuthReason(decision.reason).label))
    return Status(401, {"reply:Reply-Message": message})


@router.post("/wifi/radius/accounting", auth=RADIUS_AUTH, response={204: None},
             summary="rlm_rest accounting: Start / Interim-Update / Stop → presence sessions")
def rest_accounting(request: HttpRequest, body: Body[dict[str, Any]]) -> Any:
    nas = _nas_for(request, body)
    status_raw = _str(body, "Acct-Status-Type")
    status = ACCT_STATUS_NAMES.get(status_raw.lower()) or (
        ACCT_STATUS_CODES.get(code) if (code := id_from_text(status_raw)) is not None else None
    )
    if status_raw.lower() in ("accounting-on", "accounting-off", "7", "8"):
        services.presence_close_for_nas(nas=nas)
        return Status(204, None)
    if status is None:
        raise InvalidInput(_("Unknown Acct-Status-Type."),
                           fields={"Acct-Status-Type": [_("Start, Interim-Update or Stop.")]})
    record = services.AccountingRecord(
        status=status, username=_str(body, "User-Name"),
        acct_session_id=_str(body, "Acct-Session-Id"),
        session_time=_int(body, "Acct-Session-Time"),
        input_octets=_int(body, "Acct-Input-Octets"),
        output_octets=_int(body, "Acct-Output-Octets"),
        input_gigawords=_int(body, "Acct-Input-Gigawords"),
        output_gigawords=_int(body, "Acct-Output-Gigawords"),
        terminate_cause=_str(body, "Acct-Terminate-Cause"),
        delay_time=_int(body, "Acct-Delay-Time"),
    )
    services.radius_accounting(nas=nas, record=record)
    return Status(204, None)


"""Reads of the WiFi app, always scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from smartwork.accounts.models import User
from smartwork.core.errors import Forbidden, NotFound
from smartwork.core.permissions import roles_of
from smartwork.network.selectors import centres_for_staff
from smartwork.wifi.models import AuthAttempt, Nas, PresenceSession, RadiusRestToken, WifiIdentity


def _staff_centre_ids(actor: User) -> QuerySet:
    """Centres the actor works for (operator: every centre of their networks). A
    member with no staff role is refused, never shown everything."""
    if not roles_of(actor).is_staff_of_anything:
        raise Forbidden(_("Only operators and centre staff see this."))
    return centres_for_staff(actor=actor).values("pk")


def wifi_identity_for_member(*, member: User) -> WifiIdentity:
    identity = WifiIdentity.objects.filter(member=member).first()
    if identity is None:
        raise NotFound(_("You have no WiFi login yet: create one (its password is shown once)."),
                       code="no_wifi_login")
    return identity


@dataclass(frozen=True)
class PresenceFilters:
    centre: int | None = None
    member: int | None = None
    open: bool | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def presence_session_list(*, actor: User, filters: PresenceFilters) -> QuerySet[PresenceSession]:
    qs = PresenceSession.objects.select_related("member", "centre", "nas").filter(
        centre_id__in=_staff_centre_ids(actor)
    )
    if filters.centre is not None:
        qs = qs.filter(centre_id=filters.centre)
    if filters.member is not None:
        qs = qs.filter(member_id=filters.member)
    if filters.open is not None:
        qs = qs.filter(ended_at__isnull=filters.open)
    if filters.since is not None:
        qs = qs.exclude(ended_at__lt=filters.since)
    if filters.until is not None:
        qs = qs.filter(started_at__lt=filters.until)
    return qs.order_by("-started_at", "-id")


@dataclass(frozen=True)
class AttemptFilters:
    centre: int | None = None
    member: int | None = None
    username: str | None = None
    result: str | None = None
    reason: str | None = None
    since: dt.datetime | None = None


def auth_attempt_list(*, actor: User, filters: AttemptFilters) -> QuerySet[AuthAttempt]:
    qs = AuthAttempt.objects.select_related("centre", "nas").filter(
        centre_id__in=_staff_centre_ids(actor)
    )
    if filters.centre is not None:
        qs = qs.filter(centre_id=filters.centre)
    if filters.member is not None:
        qs = qs.filter(member_id=filters.member)
    if filters.username:
        qs = qs.filter(username=filters.username.strip().lower())
    if filters.result:
        qs = qs.filter(result=filters.result)
    if filters.reason:
        qs = qs.filter(reason=filters.reason)
    if filters.since is not None:
        qs = qs.filter(created_at__gte=filters.since)
    return qs.order_by("-created_at", "-id")


def nas_list(*, actor: User, centre: int | None = None) -> QuerySet[Nas]:
    qs = Nas.objects.select_related("centre").filter(centre_id__in=_staff_centre_ids(actor))
    if centre is not None:
        qs = qs.filter(centre_id=centre)
    return qs.order_by("centre__name", "name")


def nas_get(*, actor: User, nas_id: int) -> Nas:
    nas = nas_list(actor=actor).filter(pk=nas_id).first()
    if nas is None:
        raise NotFound(_("No such access point."))
    return nas


def radius_token_list(*, actor: User) -> QuerySet[RadiusRestToken]:
    networks = roles_of(actor).operator_networks
    if not networks and not roles_of(actor).superuser:
        raise Forbidden(_("Only the network's operator manages FreeRADIUS tokens."))
    qs = RadiusRestToken.objects.all()
    if not roles_of(actor).superuser:
        qs = qs.filter(network_id__in=networks)
    return qs.order_by("-created_at")


def wifi_identity_get(*, actor: User, identity_id: int) -> WifiIdentity:
    """An identity of a member of the operator's network (for disabling it)."""
    roles = roles_of(actor)
    qs = WifiIdentity.objects.select_related("member")
    if not roles.superuser:
        qs = qs.filter(member__network_id__in=roles.operator_networks)
    identity = qs.filter(pk=identity_id).first()
    if identity is None:
        raise NotFound(_("No such WiFi login."))
    return identity

"""Reads for networks and centres, and the rule of who may book where."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from smartwork.accounts.models import User
from smartwork.core.errors import NotFound
from smartwork.core.geo import bounding_box, haversine_km
from smartwork.core.permissions import require, roles_of
from smartwork.network.choices import AllianceStatus, LabelStatus, ResourceKind
from smartwork.network.models import Alliance, Centre, Inspection, Network, Price, Resource


def network_list() -> QuerySet[Network]:
    return Network.objects.select_related("operator").annotate(
        centre_count=Count("centres", distinct=True)
    )


def network_get(*, network_id: int) -> Network:
    network = Network.objects.select_related("operator").filter(pk=network_id).first()
    if network is None:
        raise NotFound(_("No such network."))
    return network


def allied_network_ids(*, network_id: int, on: dt.date) -> set[int]:
    """Networks whose members may book in `network_id` on a date, and vice versa."""
    rows = Alliance.objects.filter(
        Q(network_a_id=network_id) | Q(network_b_id=network_id),
        status=AllianceStatus.ACTIVE, starts_on__lte=on,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on)).values_list(
        "network_a_id", "network_b_id"
    )
    return {b if a == network_id else a for a, b in rows}


def member_may_book_at(*, member: User, centre: Centre, on: dt.date) -> bool:
    """Only labelled centres; of the member's own network or of an allied one."""
    if centre.label_status != LabelStatus.LABELLED:
        return False
    if member.network_id is None:
        return False
    if centre.network_id == member.network_id:
        return True
    return centre.network_id in allied_network_ids(network_id=member.network_id, on=on)


def bookable_network_ids(*, member: User, on: dt.date) -> set[int]:
    if member.network_id is None:
        return set()
    return {member.network_id} | allied_network_ids(network_id=member.network_id, on=on)


@dataclass(frozen=True)
class CentreFilters:
    network: int | None = None
    label_status: str | None = None
    service: list[str] | None = None
    city: str | None = None
    q: str | None = None
    near: tuple[float, float] | None = None
    within_km: float | None = None
    bookable_by: User | None = None


def centre_queryset() -> QuerySet[Centre]:
    return Centre.objects.select_related("network", "operator").annotate(
        desk_count=Count(
            "resources", filter=Q(resources__kind=ResourceKind.DESK, resources__is_active=True)
        )
    )


def centre_list(*, filters: CentreFilters) -> list[Any]:
    """Centres matching the filters; sorted by distance when `near` is given
    (each then carries `.distance_km`), by name otherwise."""
    qs = centre_queryset()
    if filters.network is not None:
        qs = qs.filter(network_id=filters.network)
    if filters.label_status:
        qs = qs.filter(label_status=filters.label_status)
    if filters.city:
        qs = qs.filter(city__iexact=filters.city)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(city__icontains=filters.q))
    if filters.bookable_by is not None:
        nets = bookable_network_ids(member=filters.bookable_by, on=dt.date.today())
        qs = qs.filter(network_id__in=nets, label_status=LabelStatus.LABELLED)
    if filters.near is not None and filters.within_km is not None:
        lat, lon = filters.near
        min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, filters.within_km)
        qs = qs.filter(lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon, lon__lte=max_lon)
    centres = list(qs.order_by("name"))
    if filters.service:
        # services is a JSON list; filtered here so SQLite and PostgreSQL agree.
        wanted = set(filters.service)
        centres = [c for c in centres if wanted <= set(c.services or [])]
    if filters.near is not None:
        lat, lon = filters.near
        for centre in centres:
            distance = haversine_km(lat, lon, float(centre.lat), float(centre.lon))
            centre.distance_km = round(distance, 2)  # type: ignore[attr-defined]
        if filters.within_km is not None:
            centres = [c for c in centres if c.distance_km <= filters.within_km]  # type: ignore[attr-defined]
        centres.sort(key=lambda c: (c.distance_km, c.name))  # type: ignore[attr-defined]
    return centres


def centre_get(*, centre_id: int | str) -> Centre:
    qs = centre_queryset().prefetch_related(
        Prefetch("resources", queryset=Resource.objects.order_by("kind", "name")),
        Prefetch("prices", queryset=Price.objects.order_by("resource_kind", "-valid_from")),
        "opening_hours",
        "closures",
    )
    lookup = {"pk": int(centre_id)} if str(centre_id).isdigit() else {"slug": centre_id}
    centre = qs.filter(**lookup).first()
    if centre is None:
        raise NotFound(_("No such centre."))
    return centre


def centre_price_on(*, centre: Centre, resource_kind: str, on: dt.date) -> Price | None:
    """The price in force on a date: the latest `valid_from` not after it."""
    return (
        Price.objects.filter(centre=centre, resource_kind=resource_kind, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )


def centres_for_staff(*, actor: User) -> QuerySet[Centre]:
    """The centres a manager, receptionist or operator works for."""
    roles = roles_of(actor)
    qs = Centre.objects.select_related("network")
    if roles.superuser:
        return qs
    return qs.filter(
        Q(network_id__in=roles.operator_networks)
        | Q(pk__in=roles.manager_centres | roles.receptionist_centres)
    )


def inspection_list(*, actor: User, centre: Centre) -> QuerySet[Inspection]:
    """A centre's label inspections: for the operator of its network and its manager."""
    require(actor, "centre.inspections_view", centre=centre)
    return Inspection.objects.filter(centre_id=centre.pk).order_by("-visited_on", "-id")

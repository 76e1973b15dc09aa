"""Reads for networks and centres, and the rule of who may book where."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from smartwork.accounts.models import User
from smartwork.core.errors import NotFound
from smartwork.core.forms import id_from_text
from smartwork.core.geo import bounding_box, haversine_km
from smartwork.core.permissions import require, roles_of
from smartwork.network.choices import (
    AllianceStatus,
    CentreFormat,
    HostedVisibility,
    LabelStatus,
    ResourceKind,
)
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
    """Only labelled centres the member may see; of the member's own network, or of an
    allied one whose terms open that centre to them."""
    if centre.label_status != LabelStatus.LABELLED:
        return False
    if member.network_id is None:
        return False
    if not centre_visible_to(viewer=member, centre=centre):
        return False
    if centre.network_id == member.network_id:
        return True
    return centre_open_to_guests(centre=centre, home_network_id=member.network_id, on=on)


def centre_open_to_guests(*, centre: Centre, home_network_id: int, on: dt.date) -> bool:
    """Whether an active alliance lets another network's members book this centre on a
    date: the alliance names no centre (every labelled centre), or names this one."""
    alliances = Alliance.objects.filter(
        Q(network_a_id=home_network_id, network_b_id=centre.network_id)
        | Q(network_b_id=home_network_id, network_a_id=centre.network_id),
        status=AllianceStatus.ACTIVE, starts_on__lte=on,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    for alliance in alliances.prefetch_related("open_centres"):
        named = {c.pk for c in alliance.open_centres.all()
                 if c.network_id == centre.network_id}
        if not named or centre.pk in named:
            return True
    return False


# --- Who sees a centre (company-hosted spaces) -----------------------------------------


def centre_visible_q(viewer: Any) -> Q:
    """The centres `viewer` may see: every centre that is not company-hosted or is
    hosted for everyone; a hosted space limited to its company (and partners) only for
    that company's (and the partners') people, the network's operator, the centre's
    staff and the superuser. Anonymous: only what everyone sees."""
    q = Q(host_company__isnull=True) | Q(visibility=HostedVisibility.EVERYONE)
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return q
    roles = roles_of(viewer)
    if roles.superuser:
        return Q()
    q |= Q(network_id__in=roles.operator_networks)
    q |= Q(pk__in=roles.manager_centres | roles.receptionist_centres)
    companies = {c for c in [getattr(viewer, "company_id", None)] if c is not None}
    companies |= set(roles.admin_companies)
    if companies:
        q |= centre_visible_to_companies_q(companies)
    return q


def centre_visible_to_companies_q(company_ids: Any) -> Q:
    """The centres the people of these companies see: every centre not hosted or hosted
    for everyone, the companies' own hosted spaces and those naming them as partners."""
    return (Q(host_company__isnull=True) | Q(visibility=HostedVisibility.EVERYONE)
            | Q(host_company_id__in=company_ids)
            | Q(visibility=HostedVisibility.PARTNERS, pk__in=Centre.partner_companies.through
                .objects.filter(organisation_id__in=company_ids).values("centre_id")))


def centre_visible_to(*, viewer: Any, centre: Centre) -> bool:
    if centre.host_company_id is None or centre.visibility == HostedVisibility.EVERYONE:
        return True
    return Centre.objects.filter(centre_visible_q(viewer), pk=centre.pk).exists()


def centre_visible_or_404(*, viewer: Any, centre: Centre) -> Centre:
    """An invisible hosted space answers as if it did not exist."""
    if not centre_visible_to(viewer=viewer, centre=centre):
        raise NotFound(_("No such centre."))
    return centre


def centre_for_viewer(*, viewer: Any, centre: Centre) -> Centre:
    """A company-hosted space's contact (the host's own staff) is shown only to the
    host's people and to the centre's and network's staff; others reach the network."""
    if centre.host_company_id is None:
        return centre
    roles = roles_of(viewer)
    own = (getattr(viewer, "company_id", None) == centre.host_company_id
           or centre.host_company_id in roles.admin_companies or roles.superuser
           or centre.network_id in roles.operator_networks
           or centre.pk in roles.manager_centres | roles.receptionist_centres)
    if not own:
        centre.email = ""
        centre.phone = ""
    return centre


def format_choices() -> list[tuple[str, str]]:
    return [(str(v), str(label)) for v, label in CentreFormat.choices]


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
    # Who is looking: company-hosted spaces they may not see are left out (the member
    # in `bookable_by` is a viewer too).
    viewer: Any = None
    format: str | None = None


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
        qs = qs.filter(centre_visible_q(filters.bookable_by))
        qs = qs.exclude(_closed_to_guests_q(filters.bookable_by))
    if filters.viewer is not None:
        qs = qs.filter(centre_visible_q(filters.viewer))
    if filters.format == CentreFormat.HOSTED:
        qs = qs.filter(host_company__isnull=False)
    elif filters.format in (CentreFormat.FULL, CentreFormat.MINI):
        qs = qs.filter(host_company__isnull=True, label_tier=filters.format)
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


def _closed_to_guests_q(member: Any) -> Q:
    """Centres of allied networks whose alliance names other centres (its terms) and
    not these: not open to the member."""
    if member.network_id is None:
        return Q(pk__in=[])
    on = dt.date.today()
    closed: set[int] = set()
    alliances = Alliance.objects.filter(
        Q(network_a_id=member.network_id) | Q(network_b_id=member.network_id),
        status=AllianceStatus.ACTIVE, starts_on__lte=on,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on)).prefetch_related("open_centres")
    for alliance in alliances:
        other = (alliance.network_b_id if alliance.network_a_id == member.network_id
                 else alliance.network_a_id)
        named = {c.pk for c in alliance.open_centres.all() if c.network_id == other}
        if named:
            closed |= set(Centre.objects.filter(network_id=other).exclude(pk__in=named)
                          .values_list("pk", flat=True))
    return Q(pk__in=sorted(closed))


def centre_get(*, centre_id: int | str, viewer: Any = None) -> Centre:
    """A centre by id or slug; with `viewer`, a hosted space they may not see is 404."""
    qs = centre_queryset().prefetch_related(
        Prefetch("resources", queryset=Resource.objects.order_by("kind", "name")),
        Prefetch("prices", queryset=Price.objects.order_by("resource_kind", "-valid_from")),
        "opening_hours",
        "closures",
    )
    pk = id_from_text(centre_id)
    lookup = {"pk": pk} if pk is not None else {"slug": centre_id}
    if viewer is not None:
        qs = qs.filter(centre_visible_q(viewer))
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

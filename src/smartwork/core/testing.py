"""Builders for tests, benchmarks and the demo: plain functions, real rows."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from smartwork.accounts.choices import OrganisationKind, Role
from smartwork.accounts.models import Organisation, RoleAssignment, User
from smartwork.network.choices import LabelStatus, ResourceKind
from smartwork.network.models import Centre, Network, OpeningHours, Price, Resource

_seq = itertools.count(1)

def enterprise_number(n: int) -> str:
    """A valid Belgian enterprise number (check digits: 97 - first eight mod 97)."""
    first8 = f"0{(2000000 + n) % 10000000:07d}"
    return f"{first8}{97 - int(first8) % 97:02d}"


def make_organisation(*, kind: str = OrganisationKind.COMPANY, network: Network | None = None,
                      **extra: Any) -> Organisation:
    n = next(_seq)
    data: dict[str, Any] = {
        "legal_name": f"Organisation {n}", "kind": kind, "enterprise_number": enterprise_number(n),
        "street": f"Rue {n}", "postcode": "5000", "city": "Namur", "language": "fr",
        "email": f"org{n}@example.org",
    }
    if kind == OrganisationKind.COMPANY:
        data["network"] = network
    data.update(extra)
    org = Organisation(**data)
    if not org.peppol_id and org.enterprise_number:
        org.peppol_id = org.enterprise_number
    org.save()
    return org


def make_network(*, name: str | None = None, **extra: Any) -> Network:
    n = next(_seq)
    operator = make_organisation(kind=OrganisationKind.NETWORK_OPERATOR,
                                 legal_name=f"Operator {n}")
    return Network.objects.create(
        name=name or f"Network {n}", slug=f"network-{n}", operator=operator, **extra
    )


def make_centre(
    *, network: Network | None = None, desks: int = 8, rooms: int = 1,
    label_status: str = LabelStatus.LABELLED, lat: float = 50.4674, lon: float = 4.8720,
    hours: tuple[dt.time, dt.time] | None = (dt.time(8, 0), dt.time(18, 0)),
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4), **extra: Any,
) -> Centre:
    network = network or make_network()
    n = next(_seq)
    operator = extra.pop("operator", None) or make_organisation(
        kind=OrganisationKind.CENTRE_OPERATOR, legal_name=f"Centre operator {n}")
    centre = Centre.objects.create(
        network=network, operator=operator, name=extra.pop("name", f"Centre {n}"),
        slug=f"centre-{n}", street=f"Place {n}", postcode="5000", city=extra.pop("city", "Namur"),
        lat=Decimal(str(lat)), lon=Decimal(str(lon)), label_status=label_status,
        services=extra.pop("services", ["reception", "meeting_room"]), **extra,
    )
    Resource.objects.bulk_create(
        [Resource(centre=centre, kind=ResourceKind.DESK, name=f"Desk {i:02d}")
         for i in range(1, desks + 1)]
        + [Resource(centre=centre, kind=ResourceKind.MEETING_ROOM, name=f"Room {i}", capacity=8,
                    equipment=["screen", "video_conference"]) for i in range(1, rooms + 1)]
    )
    if hours:
        OpeningHours.objects.bulk_create(
            [OpeningHours(centre=centre, weekday=d, opens=hours[0], closes=hours[1])
             for d in weekdays]
        )
    Price.objects.create(centre=centre, resource_kind=ResourceKind.DESK, valid_from=dt.date(2020, 1, 1),
                         per_half_day=Decimal("15.00"), per_day=Decimal("25.00"))
    Price.objects.create(centre=centre, resource_kind=ResourceKind.MEETING_ROOM,
                         valid_from=dt.date(2020, 1, 1), per_hour=Decimal("20.00"))
    return centre


def make_user(*, email: str | None = None, password: str = "pass-1234", **extra: Any) -> User:  # noqa: S107
    n = next(_seq)
    return User.objects.create_user(email or f"user{n}@example.org", password,
                                    first_name=extra.pop("first_name", f"First{n}"),
                                    last_name=extra.pop("last_name", f"Last{n}"), **extra)


def make_operator(network: Network, **extra: Any) -> User:
    user = make_user(network=network, **extra)
    RoleAssignment.objects.create(user=user, role=Role.OPERATOR, network=network)
    return user


def make_centre_staff(centre: Centre, role: str = Role.CENTRE_MANAGER, **extra: Any) -> User:
    user = make_user(network=centre.network, **extra)
    RoleAssignment.objects.create(user=user, role=role, centre=centre)
    return user


def make_company_admin(company: Organisation, **extra: Any) -> User:
    user = make_user(company=company, network=company.network, **extra)
    RoleAssignment.objects.create(user=user, role=Role.COMPANY_ADMIN, organisation=company)
    return user


def run_together(calls: list[Any], *, timeout: float = 180) -> list[Any]:
    """Start every call at the same moment in its own thread (each with its own
    database connection); return their results, or the exception each raised, in order."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(i: int, call: Any) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results

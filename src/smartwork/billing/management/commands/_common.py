"""What the billing commands share: the period and network arguments, errors as one line."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError
from django.db.models import QuerySet

from smartwork.billing.calc import Period, period_parse
from smartwork.core.errors import DomainError
from smartwork.network.models import Network


def period_arg(value: str) -> Period:
    try:
        return period_parse(value)
    except DomainError as exc:
        raise CommandError(exc.message) from exc


def date_arg(value: str | None, flag: str) -> dt.date | None:
    """An optional YYYY-MM-DD option (None when not given)."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{flag} {value!r} is not a YYYY-MM-DD date.") from exc


def networks_arg(slug: str | None) -> QuerySet[Network]:
    """Every network, or the one named by its slug (an unknown slug is an error)."""
    networks = Network.objects.select_related("operator").order_by("pk")
    if slug:
        networks = networks.filter(slug=slug)
        if not networks.exists():
            raise CommandError(f"No network with slug {slug!r}.")
    return networks


def one_network_arg(slug: str | None) -> Network:
    """The network named, or the only one there is."""
    networks = list(networks_arg(slug))
    if len(networks) != 1:
        names = ", ".join(n.slug for n in networks)
        raise CommandError(f"Name the network with --network (one of: {names}).")
    return networks[0]


def domain_error(exc: DomainError) -> CommandError:
    """A service's refusal as the command's one-line error (exit code 1, no traceback)."""
    return CommandError(f"{exc.message} [{exc.code}]")


def add_network_arg(parser: Any) -> None:
    parser.add_argument("--network", help="Network slug (default: every network).")

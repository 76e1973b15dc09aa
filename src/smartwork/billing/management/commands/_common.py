"""What the billing commands share: the period and network arguments, errors as one line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
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


def add_period_file_args(parser: Any) -> None:
    """--period, --out and --network of the commands that write one month's file."""
    parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
    parser.add_argument("--out", required=True, help="The XML file to write.")
    parser.add_argument("--network", help="Network slug (needed if there are several).")


def out_arg(value: str) -> Path:
    """The file to write, refused before any work when its folder does not exist."""
    out = Path(value)
    if not out.parent.is_dir():
        raise CommandError(f"Cannot write {out}: no folder {out.parent}.")
    return out


def write_out(out: Path, data: bytes | str) -> None:
    try:
        if isinstance(data, bytes):
            out.write_bytes(data)
        else:
            out.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"Cannot write {out}: {exc.strerror or exc}.") from exc

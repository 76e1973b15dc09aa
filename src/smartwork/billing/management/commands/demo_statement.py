"""`smartwork demo-statement --period YYYY-MM --out FILE.xml [--network slug] [--date D]`.

For the demo walk-through: writes the CAMT.053 statement the operator's bank would
send once every open invoice of the month is paid with its structured
communication, to feed `smartwork import-camt`. It reads the database and writes
the file only: nothing is paid until the file is imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from smartwork.billing.demo import demo_camt_statement
from smartwork.billing.management.commands._common import (
    date_arg,
    one_network_arg,
    period_arg,
)


class Command(BaseCommand):
    help = "Demo: write a CAMT.053 statement paying the month's open invoices."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
        parser.add_argument("--out", required=True, help="The XML file to write.")
        parser.add_argument("--network", help="Network slug (needed if there are several).")
        parser.add_argument("--date", help="Booking date, YYYY-MM-DD (default: today).")

    def handle(self, *args: Any, **opts: Any) -> None:
        period = period_arg(opts["period"])
        network = one_network_arg(opts.get("network"))
        booked_on = date_arg(opts.get("date"), "--date") or timezone.localdate()
        if not network.operator.iban:
            raise CommandError(f"The operator of {network.name} has no bank account (IBAN).")
        data = demo_camt_statement(network=network, period=period, booked_on=booked_on)
        out = Path(opts["out"])
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc.strerror or exc}.") from exc
        count = data.count(b"<Ntry>")
        self.stdout.write(self.style.SUCCESS(
            f"{network.name}, {period.label}: {count} payments on {booked_on} -> {out}"))

"""`smartwork demo-statement --period YYYY-MM --out FILE.xml [--network slug] [--date D]`.

For the demo walk-through: writes the CAMT.053 statement the operator's bank would
send once every open invoice of the month is paid with its structured
communication, to feed `smartwork import-camt`. It reads the database and writes
the file only: nothing is paid until the file is imported.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from smartwork.billing.demo import demo_camt_statement
from smartwork.billing.management.commands._common import (
    add_period_file_args,
    date_arg,
    one_network_arg,
    out_arg,
    period_arg,
    write_out,
)


class Command(BaseCommand):
    help = "Demo: write a CAMT.053 statement paying the month's open invoices."

    def add_arguments(self, parser: Any) -> None:
        add_period_file_args(parser)
        parser.add_argument("--date", help="Booking date, YYYY-MM-DD (default: today).")

    def handle(self, *args: Any, **opts: Any) -> None:
        period = period_arg(opts["period"])
        network = one_network_arg(opts.get("network"))
        booked_on = date_arg(opts.get("date"), "--date") or timezone.localdate()
        out = out_arg(opts["out"])
        if not network.operator.iban:
            raise CommandError(f"The operator of {network.name} has no bank account (IBAN).")
        data = demo_camt_statement(network=network, period=period, booked_on=booked_on)
        write_out(out, data)
        count = data.count(b"<Ntry>")
        self.stdout.write(self.style.SUCCESS(
            f"{network.name}, {period.label}: {count} payments on {booked_on} -> {out}"))

"""`smartwork invoice-run --period 2026-10 [--network slug]`: invoice an ended month."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from smartwork.billing.management.commands._common import networks_arg, period_arg
from smartwork.billing.run import invoice_run
from smartwork.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue one invoice per customer for an ended month (idempotent, resumable)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
        parser.add_argument("--network", help="Network slug (default: every network).")
        parser.add_argument("--no-mail", action="store_true", help="Do not mail the invoices.")

    def handle(self, *args: Any, **opts: Any) -> None:
        period = period_arg(opts["period"])
        networks = networks_arg(opts.get("network"))
        if not networks.exists():
            raise CommandError("No network to invoice yet.")
        for network in networks:
            self.stdout.write(f"{network.name}, {period.label}:")
            try:
                result = invoice_run(actor=None, network=network, period=period,
                                     send=not opts["no_mail"], progress=self._progress,
                                     check_permission=False)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(
                f"  {len(result.created)} invoices issued, {result.skipped} already done "
                f"({result.customers} customers)."))

    def _progress(self, done: int, total: int) -> None:
        width = 40
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        out = self.stdout if self.stdout.isatty() else None
        line = f"\r  [{bar}] {done}/{total}"
        if out is not None:
            out.write(line, ending="")
            out.flush()
        elif done == total or done % max(1, total // 10) == 0:
            self.stdout.write(line.strip("\r"))
        sys.stdout.flush()

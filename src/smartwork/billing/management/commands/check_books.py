"""`smartwork check-books --period 2026-10 [--network slug]`: reconcile to the cent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from smartwork.billing.books import books_check
from smartwork.billing.calc import period_parse
from smartwork.core.errors import DomainError
from smartwork.network.models import Network

LABELS = [
    ("invoiced", "Invoiced (net)"),
    ("credit_notes", "  - credit notes on the period's invoices"),
    ("net_invoiced", "  = invoiced less credit notes"),
    ("settled_to_centres", "  = settled to centres"),
    ("commission", "  + commission"),
    ("credit_liability_change", "  + change in unused credit liability"),
    ("clearing_payable_less_receivable", "  + clearing (payable - receivable)"),
    ("operator_margin", "  + operator margin (after credit notes)"),
    ("right_hand_side", "  = total"),
]


class Command(BaseCommand):
    help = "Reconcile a network's invoices, settlements, credit and clearing for a month."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
        parser.add_argument("--network", help="Network slug (default: every network).")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            period = period_parse(opts["period"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        networks = Network.objects.order_by("pk")
        if opts.get("network"):
            networks = networks.filter(slug=opts["network"])
            if not networks.exists():
                raise CommandError(f"No network with slug {opts['network']!r}.")
        failed = []
        for network in networks:
            books = books_check(network=network, period=period)
            self.stdout.write(f"{network.name}, {period.label}")
            for key, label in LABELS:
                self.stdout.write(f"{label:<45}{books.figures[key]:>14}")
            self.stdout.write(
                f"{'Completed or no-show bookings':<45}"
                f"{books.counts.get('bookings_completed_or_no_show', 0):>14}"
                f"  (unpaid: {books.counts.get('bookings_unpaid', 0)})")
            if books.balanced:
                self.stdout.write(self.style.SUCCESS("  balanced to the cent"))
            else:
                failed.append(network.name)
                for failure in books.failures:
                    self.stderr.write(self.style.ERROR(f"  MISMATCH {failure}"))
        if failed:
            raise CommandError(f"The books do not balance for: {', '.join(failed)}")

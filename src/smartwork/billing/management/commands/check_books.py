"""`smartwork check-books --period 2026-10 [--network slug]`: reconcile to the cent.

`--all-periods` instead of `--period`: every month a network has had an invoice run or a
settlement for (what `smartwork backup verify` checks on a restored copy)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from smartwork.billing.books import books_check
from smartwork.billing.calc import Period, period_parse
from smartwork.billing.models import Invoice, Settlement
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
        parser.add_argument("--period", help="The month, YYYY-MM.")
        parser.add_argument("--all-periods", action="store_true",
                            help="Every month with an invoice run or a settlement.")
        parser.add_argument("--network", help="Network slug (default: every network).")

    def handle(self, *args: Any, **opts: Any) -> None:
        if bool(opts.get("period")) == bool(opts.get("all_periods")):
            raise CommandError("Give either --period YYYY-MM or --all-periods.")
        period = None
        if opts.get("period"):
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
        checked = 0
        for network in networks:
            for month in [period] if period else _periods_run(network):
                checked += 1
                if not self._check(network, month):
                    failed.append(network.name if period else f"{network.name} {month.label}")
        if failed:
            raise CommandError(f"The books do not balance for: {', '.join(failed)}")
        if not period:
            self.stdout.write(f"{checked} network month(s) with an invoice run or a settlement "
                              "checked.")

    def _check(self, network: Network, period: Period) -> bool:
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
        for failure in books.failures:
            self.stderr.write(self.style.ERROR(f"  MISMATCH {failure}"))
        return books.balanced


def _periods_run(network: Network) -> list[Period]:
    """The months the network has invoiced by a run (billing key) or settled, oldest first."""
    starts = set(Invoice.objects.filter(network=network, billing_key__isnull=False,
                                        period_start__isnull=False)
                 .values_list("period_start", flat=True))
    starts |= set(Settlement.objects.filter(network=network).values_list("period_start",
                                                                          flat=True))
    return [period_parse(f"{start:%Y-%m}") for start in sorted(s for s in starts if s)]

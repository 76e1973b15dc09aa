"""`smartwork clearing --period YYYY-MM [--network slug]`: what allied networks owe each other.

One statement per alliance with roaming, ending with an ended month (or quarter, by the
alliance's terms) and starting the day after the previous one: the minutes each way at
the alliance's clearing rate, netted into one amount owed by a debtor to a creditor.
An alliance already cleared for the month is left as it is (idempotent). Roaming recorded
after its own period's statement (a late booking, a refund) goes with the next statement,
shown as late from earlier periods.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Q

from smartwork.billing.clearing import clearings_create
from smartwork.billing.management.commands._common import (
    add_network_arg,
    domain_error,
    networks_arg,
    period_arg,
)
from smartwork.billing.models import ClearingStatement
from smartwork.core.errors import DomainError


class Command(BaseCommand):
    help = "Create the clearing statements between allied networks for an ended month."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
        add_network_arg(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        period = period_arg(opts["period"])
        for network in networks_arg(opts.get("network")):
            try:
                created = clearings_create(actor=None, network=network, period=period,
                                           check_permission=False)
            except DomainError as exc:
                raise domain_error(exc) from exc
            statements = ClearingStatement.objects.filter(
                Q(alliance__network_a=network) | Q(alliance__network_b=network),
                period_end=period.end,  # the statements this month closes
            ).select_related("alliance__network_a", "alliance__network_b", "debtor",
                             "creditor").order_by("pk")
            self.stdout.write(f"{network.name}, {period.label}:")
            new = {c.pk for c in created}
            for c in statements:
                a, b = c.alliance.network_a, c.alliance.network_b
                owed = (f"{c.debtor.name} owes {c.creditor.name} {c.net_amount}"
                        if c.debtor and c.creditor else "nothing owed")
                self.stdout.write(
                    f"  {c.period_start} to {c.period_end} ({c.settlement_period}): "
                    f"{a.name} in {b.name}: {c.a_in_b_minutes} min, {b.name} in {a.name}: "
                    f"{c.b_in_a_minutes} min at {c.rate}/h; {owed}"
                    + ("  (new)" if c.pk in new else ""))
                if c.period_note:
                    self.stdout.write(f"    {c.period_note}")
                if c.a_in_b_late_minutes or c.b_in_a_late_minutes:
                    self.stdout.write(
                        f"    of which late from earlier periods: {a.name} in {b.name}: "
                        f"{c.a_in_b_late_minutes} min, {b.name} in {a.name}: "
                        f"{c.b_in_a_late_minutes} min")
            self.stdout.write(self.style.SUCCESS(
                f"  {len(created)} clearing statements created, "
                f"{statements.count() - len(created)} already there."))

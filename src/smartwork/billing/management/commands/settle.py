"""`smartwork settle --period YYYY-MM [--network slug] [--approve]`: the centres' statements.

Creates each centre's self-billing statement for an ended month (what it earned,
less the network's commission); a centre already settled is left as it is, so a
second run creates nothing (idempotent). `--approve` then approves the period's
drafts, which `smartwork payout` pays.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from smartwork.billing.choices import SettlementState
from smartwork.billing.management.commands._common import (
    add_network_arg,
    domain_error,
    networks_arg,
    period_arg,
)
from smartwork.billing.models import Settlement
from smartwork.billing.settlement import settlement_approve, settlements_create
from smartwork.core.errors import DomainError


class Command(BaseCommand):
    help = "Create the centres' self-billing statements of an ended month (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
        add_network_arg(parser)
        parser.add_argument("--approve", action="store_true",
                            help="Approve the period's draft statements for payout.")

    def handle(self, *args: Any, **opts: Any) -> None:
        period = period_arg(opts["period"])
        for network in networks_arg(opts.get("network")):
            try:
                created = settlements_create(actor=None, network=network, period=period,
                                             check_permission=False)
                settlements = Settlement.objects.filter(
                    network=network, period_start=period.start).select_related("centre")
                approved = 0
                if opts["approve"]:
                    for s in settlements.filter(state=SettlementState.DRAFT).order_by("pk"):
                        settlement_approve(actor=None, settlement=s, check_permission=False)
                        approved += 1
            except DomainError as exc:
                raise domain_error(exc) from exc
            self.stdout.write(f"{network.name}, {period.label}:")
            new = {s.pk for s in created}
            for s in settlements.order_by("centre__name", "pk"):
                self.stdout.write(
                    f"  {s.display_number:<16} {s.centre.name[:34]:<34} net {s.gross_value:>10}"
                    f"  VAT {s.vat_amount:>8}  commission {s.commission:>9}"
                    f"  payout {s.payout_amount:>10}  {s.state}"
                    + ("  (new)" if s.pk in new else ""))
                for ln in s.lines.filter(kind="correction").select_related("corrects"):
                    assert ln.corrects is not None  # a correction names its statement
                    self.stdout.write(
                        f"    correction of {ln.corrects.display_number} "
                        f"({ln.corrects.period_start:%Y-%m}): {ln.amount}")
                if "correction_waits" in s.flags:
                    self.stdout.write(self.style.WARNING(
                        f"    FLAG {s.centre.name}: a correction of an earlier month waits (it"
                        " would make this statement negative, or its supplier or VAT differs);"
                        " check-books shows it."))
                if "supplier_vat_missing" in s.flags:
                    self.stdout.write(self.style.WARNING(
                        f"    FLAG {s.centre.name}: its operator {s.payee_data.get('name', '')}"
                        " has no VAT number: no VAT on its self-billing invoice; check whether"
                        " it is VAT-registered."))
            self.stdout.write(self.style.SUCCESS(
                f"  {len(created)} statements created, {settlements.count() - len(created)} "
                f"already there" + (f", {approved} approved" if opts["approve"] else "") + "."))

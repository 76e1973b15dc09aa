"""`smartwork import-camt FILE [--network slug]`: match a CAMT.053 statement's payments.

The network is the one whose operator holds the statement's account (or the one
named, which must hold it). A statement already imported is not imported again:
the command says so and lists what it matched then (idempotent, exit code 0).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from smartwork.billing.management.commands._common import domain_error, one_network_arg
from smartwork.billing.models import BankStatement
from smartwork.billing.payments import camt_import, camt_network, camt_parse
from smartwork.core.errors import DomainError


class Command(BaseCommand):
    help = "Import a CAMT.053 bank statement and match its payments to invoices."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The camt.053 XML file.")
        parser.add_argument("--network", help="Network slug (default: found from the account).")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        try:
            network = (one_network_arg(opts["network"]) if opts.get("network")
                       else camt_network(data=data))
            statement = camt_import(actor=None, network=network, data=data,
                                    check_permission=False)
            title = "imported"
        except DomainError as exc:
            if exc.code != "camt_already_imported":
                raise domain_error(exc) from exc
            parsed = camt_parse(data)
            statement = BankStatement.objects.get(
                account_iban__in=[parsed.iban.replace(" ", "").upper()],
                statement_id=parsed.statement_id)
            title = "already imported: nothing done"
        self.report(statement, title)

    def report(self, statement: BankStatement, title: str) -> None:
        payments = list(statement.payments.select_related("invoice").order_by("pk"))
        matched = [p for p in payments if p.invoice_id]
        unmatched = [p for p in payments if not p.invoice_id]
        self.stdout.write(f"Statement {statement.statement_id} of {statement.account_iban} "
                          f"({statement.entry_count} credits), {title}.")
        for p in matched:
            invoice = p.invoice
            assert invoice is not None
            self.stdout.write(
                f"  matched    {p.amount:>12} {p.value_date}  {invoice.display_number:<16}"
                f" {invoice.state:<10} by {p.matched_by:<14} {p.counterparty_name}")
        for p in unmatched:
            self.stdout.write(
                f"  unmatched  {p.amount:>12} {p.value_date}  {p.counterparty_name}"
                f"  {p.communication!r}")
        self.stdout.write(self.style.SUCCESS(
            f"  {len(matched)} matched, {len(unmatched)} unmatched"
            + (" (assign them by hand: GET /api/v1/payments?unmatched=true)" if unmatched else "")
        ))

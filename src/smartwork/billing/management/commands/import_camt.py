"""`smartwork import-camt FILE [--network slug]`: match a CAMT.053 statement's payments.

The network is the one whose operator holds the statement's account (or the one
named, which must hold it). Every statement of the file is imported; one imported before is skipped. A file
with nothing new is not imported again: the command says which statements it
matched and lists what they matched then (idempotent, exit code 0).
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
            result = camt_import(actor=None, network=network, data=data,
                                 check_permission=False)
        except DomainError as exc:
            if exc.code != "camt_already_imported":
                raise domain_error(exc) from exc
            # Nothing new: say which statements the file matched, and what they did then.
            self.stdout.write(exc.message)
            parsed = camt_parse(data)
            for statement in BankStatement.objects.filter(
                    account_iban__in=[s.iban.replace(" ", "").upper() for s in parsed],
                    statement_id__in=[s.statement_id for s in parsed]).order_by("pk"):
                self.report(statement, "already imported: nothing done")
            return
        for statement in result.statements:
            self.report(statement, "imported")
        for statement in result.already_imported:
            self.stdout.write(f"Statement {statement.statement_id} of {statement.account_iban}"
                              f" was already imported on {statement.imported_at:%Y-%m-%d}:"
                              " skipped.")

    def report(self, statement: BankStatement, title: str) -> None:
        payments = list(statement.payments.select_related("invoice", "flag_invoice").order_by("pk"))
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
            flag = (f"  [{p.flag}: {p.flag_invoice.display_number if p.flag_invoice else ''}]"
                    if p.flag else "")
            self.stdout.write(
                f"  unmatched  {p.amount:>12} {p.value_date}  {p.counterparty_name}"
                f"  {p.communication!r}{flag}")
        for d in statement.duplicates:
            self.stdout.write(
                f"  repeated   {d['amount']:>12} {d['value_date']}  {d['reference']}: already"
                f" read from statement {d['statement_id']}, not counted again")
        self.stdout.write(self.style.SUCCESS(
            f"  {len(matched)} matched, {len(unmatched)} unmatched"
            + (" (assign them by hand: GET /api/v1/payments?unmatched=true)" if unmatched else "")
        ))

"""`smartwork check-ledgers`: prove every stored balance equals the sum of its entries."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from smartwork.credits.selectors import ledger_check


class Command(BaseCommand):
    help = ("Check that every credit account's stored balance equals the sum of its ledger "
            "entries and that each entry's running balance follows from the one before. "
            "Exits with status 1 and lists the accounts that do not.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = ledger_check()
        for problem in report.problems:
            self.stdout.write(self.style.ERROR(
                f"account {problem.account_id} ({problem.kind}): {problem.message}"))
        summary = (f"{report.accounts} accounts, {report.entries} entries checked, "
                   f"{len(report.problems)} problem(s)")
        if report.problems:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary + ": every balance is the sum of its entries."))

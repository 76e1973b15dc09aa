"""`smartwork remind-overdue`: mark overdue invoices and mail reminders (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from smartwork.billing.payments import invoices_remind_overdue


class Command(BaseCommand):
    help = "Mark invoices past their due date overdue and mail a reminder (every 14 days at most)."

    def handle(self, *args: Any, **opts: Any) -> None:
        count = invoices_remind_overdue()
        self.stdout.write(self.style.SUCCESS(f"{count} reminders sent."))

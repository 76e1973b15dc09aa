"""`smartwork expire-credits [--today YYYY-MM-DD]`: the nightly credit job, by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from smartwork.credits.services import credit_periodic_run


class Command(BaseCommand):
    help = ("Close the allotment periods that are over (returning or keeping what is left), "
            "open the monthly ones due, write `expiry` entries for credit past its validity "
            "and renew or end memberships. Idempotent: safe to run twice or at once.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today takes a date as YYYY-MM-DD") from exc
        result = credit_periodic_run(today=today)
        for name, value in asdict(result).items():
            self.stdout.write(f"{name}: {value}")

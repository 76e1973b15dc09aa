"""`smartwork manage rebuild_presence [--refresh]`: the presence summary, by hand."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from smartwork.insights.summary import presence_summary_refresh


class Command(BaseCommand):
    help = ("Rebuild the presence summary of the attendance reports from every booking and "
            "WiFi session (after a centre's time zone changed, or raw rows were deleted). "
            "With --refresh, only recompute what changed since the last refresh, as the "
            "periodic job does. Idempotent: safe to run twice or at once.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--refresh", action="store_true",
                            help="Recompute only the member-days changed since the last run.")

    def handle(self, *args: Any, **options: Any) -> None:
        t0 = time.perf_counter()
        result = presence_summary_refresh(rebuild=not options["refresh"])
        self.stdout.write(f"{result.mode}: {result.members} members, {result.rows} rows "
                          f"in {time.perf_counter() - t0:.1f} s")

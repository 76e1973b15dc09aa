"""`smartwork serve [--host 0.0.0.0] [--port 8000] [--workers N] [--threads N]`: the production
server.

Runs the configuration checks of `smartwork check` first and refuses to start
when one fails, then replaces itself with granian (WSGI). Static files are
served by WhiteNoise from STATIC_ROOT: run `smartwork manage collectstatic
--noinput` after each upgrade (the checks fail while the manifest is missing).
Run `smartwork worker` beside it for background and periodic jobs.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartwork.core.management.commands.demo import granian_command
from smartwork.core.management.commands.smartwork_check import report, run_checks


class Command(BaseCommand):
    help = "Serve smartwork in production with granian, after the configuration checks."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="0.0.0.0")  # noqa: S104 - a server listens
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")),
                            help="Worker processes (default: WEB_WORKERS or 2).")
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "2")),
                            help="Requests each worker runs at once (default: WEB_THREADS or 2).")
        # Not "--skip-checks": call_command() sets Django's own skip_checks to True.
        parser.add_argument("--force", action="store_true",
                            help="Start even when a configuration check fails.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1.")
        if options["threads"] < 1:
            raise CommandError("--threads must be at least 1.")
        failures = report(self, run_checks())
        if failures and not options["force"]:
            raise CommandError(f"{failures} check(s) failed: fix them, or pass --force.")
        argv = granian_command(host=options["host"], port=options["port"],
                               workers=options["workers"], threads=options["threads"])
        self.stdout.write(f"Starting granian on {options['host']}:{options['port']} with "
                          f"{options['workers']} worker(s) of {options['threads']} thread(s).")
        self.stdout.flush()
        os.execv(argv[0], argv)  # noqa: S606 - granian takes over this process

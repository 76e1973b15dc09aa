"""`smartwork radius`: the built-in RADIUS server (PAP auth + accounting)."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand

from smartwork.wifi.server import RadiusServer


class Command(BaseCommand):
    help = "Run the built-in RADIUS server: PAP authentication and accounting for access points."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default="0.0.0.0",  # noqa: S104 - a server for access points
                            help="Address to listen on (0.0.0.0).")
        parser.add_argument("--auth-port", type=int, default=1812, help="UDP port for auth (1812).")
        parser.add_argument("--acct-port", type=int, default=1813,
                            help="UDP port for accounting (1813).")
        parser.add_argument("--workers", type=int, default=8,
                            help="Worker threads, each with a database connection (8).")
        parser.add_argument("--nas-refresh", type=float, default=30.0,
                            help="Reload the access points every N seconds (30).")

    def handle(self, *args: Any, **options: Any) -> None:
        server = RadiusServer(
            bind=options["bind"], auth_port=options["auth_port"], acct_port=options["acct_port"],
            workers=options["workers"], nas_refresh=options["nas_refresh"],
        )
        server.start()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: server.shutdown())
        self.stdout.write(
            f"RADIUS listening on {server.bind}: auth {server.auth_port}/udp, "
            f"acct {server.acct_port}/udp ({server.workers} workers)", ending="\n",
        )
        self.stdout.flush()
        server.serve_forever()
        self.stdout.write(f"RADIUS stopped: {server.stats}")

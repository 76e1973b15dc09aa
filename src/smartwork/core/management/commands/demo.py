"""`smartwork demo [--reset] [--host 127.0.0.1] [--port 8000] [--no-serve]`

Migrates the embedded SQLite database in the data folder (settings.DATA_DIR),
loads the demo when it is absent, prints the demo logins and the URLs, then
serves the site with granian and runs the background worker beside it.
Ctrl-C stops both. `smartwork demo` sets SMARTWORK_DEMO=1 (see config/cli.py),
which turns DEBUG on.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections


def sqlite_files() -> list[Path]:
    """The demo database's files (the database and its WAL companions)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        return []
    name = Path(str(db["NAME"]))
    return [name, name.with_name(name.name + "-wal"), name.with_name(name.name + "-shm")]


def demo_base_url(host: str, port: int) -> str:
    """The address a browser on this machine reaches the demo at."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def granian_command(*, host: str, port: int, workers: int = 1, threads: int = 2) -> list[str]:
    """granian's command line. `threads`: blocking threads per worker, i.e. requests one
    worker runs at once. Few is faster for this app: its requests hold the GIL between
    short database round trips, and every thread keeps its own database connection
    (measured: 2 threads 356 bookings/s, granian's default 315; docs/benchmarks.md).
    A worker that dies (killed, out of memory) is started again after a second, instead
    of granian shutting the whole server down."""
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--host", host,
        "--port", str(port), "--workers", str(workers), "--blocking-threads", str(threads),
        "--respawn-failed-workers", "--respawn-interval", "1",
        "smartwork.config.wsgi:application",
    ]


def worker_command() -> list[str]:
    return [sys.executable, "-m", "smartwork.config.cli", "worker", "--no-reload"]


def stop(process: subprocess.Popen[Any], timeout: float = 10) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Start the demo: migrate, load the demo data if absent, print logins, serve."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true",
                            help="Delete the demo database first and load everything anew.")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true",
                            help="Prepare the database and print the logins, then stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        files = sqlite_files()
        if options["reset"]:
            if not files:
                raise CommandError(
                    "--reset deletes the embedded SQLite database; DATABASE_URL points "
                    "elsewhere. Drop and recreate that database yourself."
                )
            connections.close_all()
            for path in files:
                path.unlink(missing_ok=True)
            self.stdout.write(f"Deleted {files[0]}")
        if files:
            self.stdout.write(f"Database: {files[0]}")
        call_command("migrate", interactive=False, verbosity=0)

        from smartwork.demo import DEMO_PASSWORD, demo_load, demo_present

        if demo_present():
            self.stdout.write("The demo data is loaded already (use --reset to start over).")
        else:
            started = time.monotonic()
            demo_load()
            self.stdout.write(f"Loaded the demo data in {time.monotonic() - started:.1f} s.")
        self.print_logins(password=DEMO_PASSWORD)
        from smartwork.twofactor.demo import describe

        for line in describe():
            self.stdout.write(line)
        base = os.environ.get("SMARTWORK_BASE_URL") or demo_base_url(options["host"],
                                                                     options["port"])
        self.stdout.write("")
        self.stdout.write(f"  site      {base}/")
        self.stdout.write(f"  admin     {base}/admin/")
        self.stdout.write(f"  API docs  {base}/api/v1/docs")
        self.stdout.write(f"  OpenAPI   {base}/api/v1/openapi.json")
        self.stdout.write("")
        if options["no_serve"]:
            return
        connections.close_all()
        self.serve(host=options["host"], port=options["port"])

    def print_logins(self, *, password: str) -> None:
        from smartwork.demo.load import demo_logins

        rows = [(login.role, login.email, login.scope) for login in demo_logins()]
        widths = [max(len(r[i]) for r in [("role", "email", "scope"), *rows]) for i in range(3)]
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {password})")
        line = "  ".join("-" * w for w in widths)
        self.stdout.write(line)
        for row in [("role", "email", "scope"), *rows]:
            self.stdout.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True))
                              .rstrip())
            if row[0] == "role":
                self.stdout.write(line)
        self.stdout.write(line)

    def serve(self, *, host: str, port: int) -> None:
        env = {**os.environ, "SMARTWORK_DEMO": "1"}
        # Links in the mails (invitations, password resets, check-in codes) point at the
        # address served here, unless SMARTWORK_BASE_URL says otherwise.
        env.setdefault("SMARTWORK_BASE_URL", demo_base_url(host, port))
        # A SIGTERM (a service manager, `timeout`) stops the children like Ctrl-C does.
        signal.signal(signal.SIGTERM, _interrupt)
        worker = subprocess.Popen(worker_command(), env=env)
        server = subprocess.Popen(granian_command(host=host, port=port), env=env)
        self.stdout.write("Serving; press Ctrl-C to stop the server and the worker.")
        try:
            while True:
                if server.poll() is not None:
                    raise CommandError(f"The server stopped (exit {server.returncode}).")
                if worker.poll() is not None:
                    self.stderr.write(f"The worker stopped (exit {worker.returncode}); "
                                      "restarting it.")
                    worker = subprocess.Popen(worker_command(), env=env)
                time.sleep(0.5)
        except KeyboardInterrupt:
            self.stdout.write("Stopping ...")
        finally:
            stop(server)
            stop(worker)

"""`smartwork worker`: the background task worker plus the periodic scheduler.

Runs django_tasks_db's worker (tasks enqueued by the apps: mails, PDFs, exports)
and, in a thread beside it, the scheduler of `smartwork.core.periodic`: every
`--tick` seconds it enqueues the periodic jobs that are due. Each app's
`smartwork.<app>.tasks` module is imported first so its jobs are registered.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import socket
import threading
from argparse import ArgumentParser
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from smartwork.core import periodic

log = logging.getLogger("smartwork.worker")


def import_task_modules() -> list[str]:
    """Import `smartwork.<app>.tasks` for every smartwork app that has one, and
    the URLconf (so modules that register jobs beside their API, such as
    core.idempotency, are loaded as they are in the web process)."""
    importlib.import_module(settings.ROOT_URLCONF)
    imported = []
    for config in apps.get_app_configs():
        if not config.name.startswith("smartwork."):
            continue
        module = f"{config.name}.tasks"
        if importlib.util.find_spec(module) is None:
            continue
        importlib.import_module(module)
        imported.append(module)
    return imported


WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


def run_due_jobs(*, now: float | None = None, wall: float | None = None) -> list[str]:
    """Dispatch the jobs due now that no other worker has dispatched for their current
    period (core/periodic.py); a failing job is logged and does not stop the others."""
    names = []
    for job in periodic.due_jobs(now=now):
        try:
            if job.dispatch_once(wall=wall, worker=WORKER_ID):
                names.append(job.name)
        except Exception:
            log.exception("periodic job %s failed to start", job.name)
        finally:
            if not connection.in_atomic_block:  # (a test's transaction: keep it)
                close_old_connections()
    return names


class Scheduler(threading.Thread):
    def __init__(self, *, tick: float) -> None:
        super().__init__(name="smartwork-scheduler", daemon=True)
        self.tick = tick
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                for name in run_due_jobs():
                    log.info("periodic job dispatched: %s", name)
                self.stopped.wait(self.tick)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()


class Command(DbWorkerCommand):
    help = "Run the background worker (tasks) and the periodic job scheduler."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--tick", type=float, default=5.0,
                            help="Seconds between two looks at the periodic jobs (default 5).")
        parser.add_argument("--no-scheduler", action="store_true",
                            help="Run tasks only; another worker schedules the periodic jobs.")
        # The scheduler thread lives in this process: the autoreloader would
        # run the worker in a child process instead, so it is off by default.
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        modules = import_task_modules()
        tick = options.pop("tick")
        no_scheduler = options.pop("no_scheduler")
        self.stdout.write(f"Task modules: {', '.join(modules) or 'none'}")
        jobs = periodic.registered()
        self.stdout.write("Periodic jobs: " + (", ".join(
            f"{job.name} (every {job.every_seconds} s)" for job in jobs) or "none"))
        scheduler = None
        if not no_scheduler and not options.get("batch"):
            scheduler = Scheduler(tick=tick)
            scheduler.start()
        try:
            super().handle(*args, **options)
        finally:
            if scheduler is not None:
                scheduler.stop()

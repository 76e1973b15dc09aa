"""`smartwork worker`: the background task worker plus the periodic scheduler.

Runs django_tasks_db's worker (tasks enqueued by the apps: mails, PDFs, exports)
and, in a thread beside it, the scheduler of `smartwork.core.periodic`: every
`--tick` seconds it enqueues the periodic jobs that are due. Each app's
`smartwork.<app>.tasks` module is imported first so its jobs are registered.
A third thread beats (core/lease.py): while it does, the tasks this worker runs are
its own; once it is silent, the sweeper puts them back in the queue.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import threading
from argparse import ArgumentParser
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from smartwork.core import lease, periodic

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


# The id this process records on the task rows it claims, on its heartbeat and on its
# periodic claims (unless --worker-id names another).
WORKER_ID = lease.worker_id_new()


def run_due_jobs(*, now: float | None = None, wall: float | None = None,
                 worker: str = "") -> list[str]:
    """Dispatch the jobs due now that no other worker has dispatched for their current
    period (core/periodic.py); a failing job is logged and does not stop the others."""
    names = []
    for job in periodic.due_jobs(now=now):
        try:
            if job.dispatch_once(wall=wall, worker=worker or WORKER_ID):
                names.append(job.name)
        except Exception:
            log.exception("periodic job %s failed to start", job.name)
        finally:
            if not connection.in_atomic_block:  # (a test's transaction: keep it)
                close_old_connections()
    return names


class Scheduler(threading.Thread):
    def __init__(self, *, tick: float, worker_id: str = "") -> None:
        super().__init__(name="smartwork-scheduler", daemon=True)
        self.tick = tick
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                for name in run_due_jobs(worker=self.worker_id):
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
        # The worker id: the one its heartbeat carries (db_worker's default is random
        # per start too, but unknown to us).
        parser.set_defaults(reload=False, worker_id=WORKER_ID)

    def handle(self, *args: Any, **options: Any) -> None:
        modules = import_task_modules()
        tick = options.pop("tick")
        no_scheduler = options.pop("no_scheduler")
        self.stdout.write(f"Task modules: {', '.join(modules) or 'none'}")
        jobs = periodic.registered()
        self.stdout.write("Periodic jobs: " + (", ".join(
            f"{job.name} (every {job.every_seconds} s)" for job in jobs) or "none"))
        worker_id = options["worker_id"]
        self.stdout.write(f"Worker id: {worker_id}")
        # The first beat before the first claim: no row of ours is ever without one.
        lease.heartbeat_beat(worker_id=worker_id)
        heartbeat = lease.Heartbeat(worker_id=worker_id, every=lease.heartbeat_seconds())
        heartbeat.start()
        scheduler = None
        if not no_scheduler and not options.get("batch"):
            scheduler = Scheduler(tick=tick, worker_id=worker_id)
            scheduler.start()
        try:
            super().handle(*args, **options)
        finally:
            if scheduler is not None:
                scheduler.stop()
            heartbeat.stop()
            # Stopped cleanly (SIGTERM, --batch, --max-tasks): the task it ran is
            # SUCCESSFUL or FAILED, none left RUNNING under this id.
            try:
                close_old_connections()
                lease.heartbeat_forget(worker_id=worker_id)
            except Exception:  # the beat then ages out: harmless
                log.exception("worker %s: could not remove its heartbeat", worker_id)

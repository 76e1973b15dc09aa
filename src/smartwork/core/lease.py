"""The task queue's lease: a task left RUNNING by a dead worker is run again (issue #17).

django-tasks-db marks a row RUNNING when a worker claims it and SUCCESSFUL or FAILED
when the task returns; a worker killed in between (SIGKILL, out of memory, the machine
gone) leaves the row RUNNING for ever, and no other worker takes it up. So:

- every `smartwork worker` process beats: a thread writes `WorkerHeartbeat.last_seen`
  every WORKER_HEARTBEAT_SECONDS under the same id the queue records on the rows the
  worker claims (`DBTaskResult.worker_ids`, one id appended per claim);
- the sweeper (`tasks_sweep`, a periodic job: once per period across workers, by the
  claim of core/periodic.py) puts back to READY, in one transaction with the rows
  locked, every row RUNNING for longer than WORKER_GRACE_SECONDS whose last worker has
  not beaten for that long; a row whose workers died under it more than
  TASK_MAX_REQUEUES times is left FAILED with `WorkerLost`, where the operator sees
  failed tasks and mails (`smartwork check`, `GET /api/v1/mail/outbox?state=failed`).

This gives at-least-once: a task re-queued may have done part or all of its work before
its worker died, so tasks must be safe to run twice (they lock and re-check the rows
they act on; a mail records that it went out, core/mail.py). A worker that is alive but
silent for longer than the grace (a machine frozen, its clock far off) may have its task
run a second time beside it.

Everything here that depends on django-tasks-db's internals (the statuses, how a claim
records the worker's id, the fields of a failure) is in this module, and
core/tests/test_lease.py fails if an upgrade changes them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from smartwork.core import periodic

log = logging.getLogger("smartwork.worker")

# django-tasks-db's statuses (TaskResultStatus values) and its limit on worker ids.
READY, RUNNING, FAILED = "READY", "RUNNING", "FAILED"
WORKER_ID_MAX = 64
# Heartbeats of workers silent this long are deleted; sent-mail marks after this long.
HEARTBEAT_KEEP = dt.timedelta(days=1)
SENT_MAIL_KEEP = dt.timedelta(days=7)


class WorkerLost(Exception):
    """The worker running a task died (no heartbeat) too many times: not re-queued."""


WORKER_LOST_PATH = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, "SMARTWORK", {}).get(name, default))


def grace_seconds() -> float:
    return _setting("WORKER_GRACE_SECONDS", 60)


def heartbeat_seconds() -> float:
    return _setting("WORKER_HEARTBEAT_SECONDS", 5)


def max_requeues() -> int:
    return int(_setting("TASK_MAX_REQUEUES", 3))


def worker_id_new() -> str:
    """host:pid:random, at most 64 characters (django-tasks-db's limit). The random part
    makes a restarted worker with the same pid (pid 1 in a container) a new worker, so
    the rows of the one that died are not taken for a live worker's."""
    tail = f":{os.getpid()}:{secrets.token_hex(4)}"
    return socket.gethostname()[: WORKER_ID_MAX - len(tail)] + tail


# --- The heartbeat --------------------------------------------------------------------


def heartbeat_beat(*, worker_id: str, now: dt.datetime | None = None) -> None:
    """Record that the worker `worker_id` is alive now."""
    from smartwork.core.models import WorkerHeartbeat

    now = now or timezone.now()
    if WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=now):
        return
    WorkerHeartbeat.objects.get_or_create(worker_id=worker_id, defaults={
        "host": socket.gethostname()[:255], "pid": os.getpid(), "started_at": now,
        "last_seen": now})


def heartbeat_forget(*, worker_id: str) -> None:
    """A worker that stops cleanly has finished (or failed) its task: it leaves no beat."""
    from smartwork.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


class Heartbeat(threading.Thread):
    """Beats every `every` seconds, whatever the worker's main thread is running (a
    long task does not stop it; a dead process does)."""

    def __init__(self, *, worker_id: str, every: float) -> None:
        super().__init__(name="smartwork-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    heartbeat_beat(worker_id=self.worker_id)
                except Exception:  # the database away for a moment: beat again next time
                    log.exception("worker %s: heartbeat failed", self.worker_id)
                    connection.close()
                else:
                    close_old_connections()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.every + 5)


# --- The sweeper ----------------------------------------------------------------------


def last_worker(row: Any) -> str:
    """The worker that claimed the row last: django-tasks-db appends its id on a claim."""
    ids = row.worker_ids or []
    return str(ids[-1]) if ids else ""


def claims(row: Any) -> int:
    """How many times the row was claimed: its first run plus its re-queues."""
    return len(row.worker_ids or [])


def tasks_requeue_lost(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Put back to READY the rows RUNNING in workers silent for longer than the grace;
    fail those re-queued TASK_MAX_REQUEUES times already. Returns the counts."""
    from django_tasks_db.models import DBTaskResult

    from smartwork.core.models import WorkerHeartbeat

    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=grace_seconds())
    cap = max_requeues()
    counts = {"requeued": 0, "failed": 0}
    # One transaction: on SQLite it holds the write lock from BEGIN (IMMEDIATE), on
    # PostgreSQL the rows are locked, and those another transaction holds (a worker
    # writing its result just now) are skipped until the next sweep.
    with transaction.atomic():
        seen = dict(WorkerHeartbeat.objects.values_list("worker_id", "last_seen"))
        rows = (DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(status=RUNNING, started_at__lt=cutoff)
                .only("id", "task_path", "worker_ids", "started_at").order_by("started_at"))
        for row in rows:
            worker = last_worker(row)
            last_seen = seen.get(worker)
            if last_seen is not None and last_seen >= cutoff:
                continue  # its worker is alive: a long task
            same = DBTaskResult.objects.filter(pk=row.pk, status=RUNNING)
            silent = last_seen.isoformat() if last_seen else "never seen"
            if claims(row) > cap:
                message = (f"{WORKER_LOST_PATH}: the worker running this task stopped "
                           f"{claims(row)} times (last {worker}, last heartbeat: {silent}); "
                           f"it was re-queued {cap} times and is not put back again.")
                same.update(status=FAILED, finished_at=now, return_value=None,
                            exception_class_path=WORKER_LOST_PATH, traceback=message)
                counts["failed"] += 1
                log.error("task %s (%s) failed: %s", row.pk, row.task_path, message)
            else:
                same.update(status=READY, started_at=None)
                counts["requeued"] += 1
                log.warning("task %s (%s) re-queued (%d of %d): worker %s silent (%s)",
                            row.pk, row.task_path, claims(row), cap, worker, silent)
    return counts


def tasks_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic job: re-queue the lost tasks, then forget the heartbeats of workers
    gone for long and the old sent-mail marks."""
    from smartwork.core.models import SentMail, WorkerHeartbeat

    now = now or timezone.now()
    counts = tasks_requeue_lost(now=now)
    counts["heartbeats_purged"] = WorkerHeartbeat.objects.filter(
        last_seen__lt=now - HEARTBEAT_KEEP).delete()[0]
    counts["sent_marks_purged"] = SentMail.objects.filter(
        sent_at__lt=now - SENT_MAIL_KEEP).delete()[0]
    if counts["requeued"] or counts["failed"]:
        log.warning("task sweep: %s", counts)
    return counts


def _register() -> None:
    periodic.register(tasks_sweep, name="core.tasks_sweep",
                      every_seconds=max(1, int(_setting("TASK_SWEEP_SECONDS", 30))))


_register()

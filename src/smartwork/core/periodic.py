"""Periodic jobs: registered by each app's `tasks.py`, run by `smartwork worker`.

An app registers a job when its tasks module is imported:

    from django.tasks import task
    from smartwork.core import periodic

    @task()
    def release_no_shows() -> int: ...

    periodic.register(release_no_shows, every_seconds=60, name="bookings.release_no_shows")

The worker's scheduler thread asks `due_jobs()` every few seconds and, for each
job due, enqueues it (a django Task, `.enqueue()`, run by the task worker) or
calls it (a plain function, run in the scheduler thread). A job is due when the
scheduler has not dispatched it for `every_seconds`, and at start-up.

Once per period across workers: each worker's memory only says when to look again;
before dispatching, a worker claims the job's period in the database (`claim`: a
`PeriodicRun` row per job and period, unique), so N workers, or a restarted one, run
each job once per period. A django Task is enqueued in the claim's transaction (its
row is in the task queue, which any worker runs: a worker that dies after the claim
leaves the job to the others). A plain function runs in the claiming worker; if that
worker dies before it finishes, another takes the period over after `LEASE`. Jobs
stay idempotent all the same (they lock the rows they act on and re-check them,
STYLE.md, 9): a job taken over after its lease may have done part of its work.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.tasks import Task


@dataclass
class PeriodicJob:
    name: str
    func: Any
    every_seconds: int
    last_dispatched: float | None = None

    def dispatch(self) -> None:
        """Enqueue a django Task, or call a plain function here and now."""
        enqueue = getattr(self.func, "enqueue", None)
        if callable(enqueue):
            enqueue()
        else:
            self.func()

    def is_task(self) -> bool:
        return callable(getattr(self.func, "enqueue", None))

    def dispatch_once(self, *, wall: float | None = None, worker: str = "") -> bool:
        """Claim this job's current period and dispatch it; False when another worker
        has it already. See the module's docstring."""
        from django.db import transaction
        from django.utils import timezone

        from smartwork.core import fastsql
        from smartwork.core.models import PeriodicRun
        from smartwork.core.outbox import task_row

        slot = int((time.time() if wall is None else wall) // self.every_seconds)
        done = PeriodicRun.objects.filter(name=self.name, slot=slot)
        with transaction.atomic():
            if not claim(self.name, slot, worker=worker):
                return False
            row = task_row(self.func) if self.is_task() else None
            if row is not None:  # the database queue: the task row in the claim's transaction
                fastsql.insert(row)
                done.update(finished_at=timezone.now())
                return True
        self.dispatch()  # another task backend (the tests'), or a plain function
        done.update(finished_at=timezone.now())
        return True


# A plain function's claim is taken over by another worker after this long unfinished.
LEASE_SECONDS = 600


def claim(name: str, slot: int, *, worker: str = "") -> bool:
    """Take period `slot` of job `name` for this worker: True once per (job, period),
    or again when the claim is older than LEASE_SECONDS and unfinished (its worker died)."""
    import datetime as dt

    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from smartwork.core.models import PeriodicRun

    now = timezone.now()
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(name=name, slot=slot, claimed_at=now,
                                       claimed_by=worker[:100])
        return True
    except IntegrityError:
        return PeriodicRun.objects.filter(
            name=name, slot=slot, finished_at__isnull=True,
            claimed_at__lt=now - dt.timedelta(seconds=LEASE_SECONDS),
        ).update(claimed_at=now, claimed_by=worker[:100]) == 1


_jobs: dict[str, PeriodicJob] = {}
_lock = threading.Lock()


def job_name(func: Any) -> str:
    """A task's module path (`smartwork.bookings.tasks.release_no_shows`)."""
    path = getattr(func, "module_path", None)
    if isinstance(path, str) and path:
        return path
    return f"{func.__module__}.{func.__qualname__}"


def register(
    func: Callable[..., Any] | Task[..., Any], *, every_seconds: int, name: str | None = None
) -> Callable[..., Any] | Task[..., Any]:
    """Run `func` every `every_seconds` in the worker. `name` defaults to the
    function's module path. Registering a name again replaces the job (modules
    may be imported twice); returns `func`."""
    if every_seconds < 1:
        raise ValueError("every_seconds must be at least 1")
    name = name or job_name(func)
    with _lock:
        previous = _jobs.get(name)
        _jobs[name] = PeriodicJob(
            name=name, func=func, every_seconds=int(every_seconds),
            last_dispatched=previous.last_dispatched if previous else None,
        )
    return func


def registered() -> list[PeriodicJob]:
    with _lock:
        return sorted(_jobs.values(), key=lambda job: job.name)


def due_jobs(*, now: float | None = None) -> list[PeriodicJob]:
    """The jobs due at `now` (time.monotonic() by default), marked as dispatched:
    a second call at the same moment returns none of them."""
    now = time.monotonic() if now is None else now
    due = []
    with _lock:
        for job in sorted(_jobs.values(), key=lambda j: j.name):
            if job.last_dispatched is None or now - job.last_dispatched >= job.every_seconds:
                job.last_dispatched = now
                due.append(job)
    return due


def unregister(name: str) -> None:
    with _lock:
        _jobs.pop(name, None)

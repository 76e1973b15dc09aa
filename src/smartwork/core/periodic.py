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

The schedule is kept in the worker's memory: two workers, or a restart, may run
a job twice in a short time. That is why every periodic job must be idempotent:
it locks the rows it acts on and re-checks them before acting (STYLE.md, 9).
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

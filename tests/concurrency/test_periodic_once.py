"""Periodic jobs run once per period across workers (issue #17 §6, core/periodic.py).

Two workers' schedulers (each in its own thread with its own database connection, as
two `smartwork worker` processes have) look at the same jobs at the same moment, many
times over several periods: each job is dispatched exactly once per period. A claim
left unfinished by a dead worker is taken over after the lease; a finished one never."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connections
from django.utils import timezone

from smartwork.core import periodic
from smartwork.core.management.commands import worker as worker_module
from smartwork.core.models import PeriodicRun

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_two_workers_dispatch_each_job_once_per_period(clean_registry, monkeypatch):
    runs: Counter[str] = Counter()
    lock = threading.Lock()
    wall = {"t": 1_000_000.0}

    def job(name: str):
        def run() -> None:
            with lock:
                runs[name] += 1
        return run

    periodic.register(job("a"), every_seconds=60, name="t.a")
    periodic.register(job("b"), every_seconds=60, name="t.b")

    def scheduler(worker_id: str, barrier: threading.Barrier, ticks: list[float]) -> None:
        # Each worker keeps its own in-memory schedule (as a separate process does).
        local = {name: periodic.PeriodicJob(name=j.name, func=j.func,
                                            every_seconds=j.every_seconds)
                 for name, j in periodic._jobs.items()}
        try:
            for now in ticks:
                barrier.wait(timeout=30)
                for j in local.values():
                    if j.last_dispatched is None or now - j.last_dispatched >= j.every_seconds:
                        j.last_dispatched = now
                        j.dispatch_once(wall=wall["t"] + now, worker=worker_id)
        finally:
            connections.close_all()

    # Three periods; both workers look every 20 s, and one of them restarts (forgets
    # its schedule) in the middle: still once per period.
    ticks = [0.0, 20.0, 40.0, 60.0, 80.0, 100.0, 120.0, 140.0]
    barrier = threading.Barrier(2)
    wall_base = wall["t"]
    threads = [threading.Thread(target=scheduler, args=(f"w{i}", barrier, ticks))
               for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    rows = Counter(PeriodicRun.objects.values_list("name", flat=True))
    assert rows == {"t.a": 3, "t.b": 3}
    assert runs == {"a": 3, "b": 3}
    assert all(r.finished_at is not None for r in PeriodicRun.objects.all())
    # The restarted worker: a fresh schedule dispatches nothing already run this period.
    assert not periodic.PeriodicJob(name="t.a", func=job("a"), every_seconds=60).dispatch_once(
        wall=wall_base + 130.0, worker="w-restarted")


def test_a_dead_workers_claim_is_taken_over_after_the_lease(clean_registry):
    calls: list[str] = []
    job = periodic.PeriodicJob(name="t.plain", func=lambda: calls.append("x"), every_seconds=3600)
    slot = 7_200_000 // 3600
    # A worker claimed this period and died before finishing.
    PeriodicRun.objects.create(name="t.plain", slot=slot, claimed_at=timezone.now(),
                               claimed_by="dead:1")
    assert not job.dispatch_once(wall=7_200_000, worker="w2")
    assert calls == []
    PeriodicRun.objects.filter(name="t.plain").update(
        claimed_at=timezone.now() - dt.timedelta(seconds=periodic.LEASE_SECONDS + 1))
    assert job.dispatch_once(wall=7_200_000, worker="w2")
    assert calls == ["x"]
    row = PeriodicRun.objects.get(name="t.plain")
    assert row.claimed_by == "w2" and row.finished_at is not None
    # Finished: never again in this period, however old.
    PeriodicRun.objects.filter(name="t.plain").update(
        claimed_at=timezone.now() - dt.timedelta(days=1))
    assert not job.dispatch_once(wall=7_200_000, worker="w3")
    assert calls == ["x"]


def test_the_worker_entry_point_claims(clean_registry):
    calls: list[str] = []
    periodic.register(lambda: calls.append("once"), every_seconds=60, name="t.entry")
    assert worker_module.run_due_jobs(now=0.0, wall=6_000.0) == ["t.entry"]
    # Another worker (its own fresh schedule) in the same period: nothing.
    periodic._jobs["t.entry"].last_dispatched = None
    assert worker_module.run_due_jobs(now=0.0, wall=6_030.0) == []
    assert calls == ["once"]

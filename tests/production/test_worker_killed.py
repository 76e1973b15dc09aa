"""A worker killed mid-task leaves the task to another (issue #17, core/lease.py).

Real processes on the test database (SQLite's file, or PostgreSQL's test database): a
`smartwork worker --no-scheduler` claims a task that waits for a file, is killed with
SIGKILL, and its task stays RUNNING; a second `smartwork worker` (with the scheduler,
hence the sweeper) finds the first silent past the grace, puts the task back, and runs
it to the end. A short grace and sweep period keep it to some seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult, get_date_max

from smartwork.core.models import WorkerHeartbeat
from tests.production.processes import BIN, production_env, wait_or_kill

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
TASK_PATH = "tests.production.worker_tasks.wait_for_file"


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker_env(tmp_path):
    env = production_env(tmp_path)
    env.update({
        "DATABASE_URL": _database_url(), "PYTHONPATH": str(ROOT), "LOG_LEVEL": "INFO",
        "SMARTWORK_WORKER_HEARTBEAT_SECONDS": "0.5", "SMARTWORK_WORKER_GRACE_SECONDS": "3",
        "SMARTWORK_TASK_SWEEP_SECONDS": "1",
    })
    return env


class Workers:
    def __init__(self, env: dict[str, str], tmp: Path) -> None:
        self.env, self.tmp = env, tmp
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str) -> None:
        log = (self.tmp / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(
            [str(BIN), "worker", "--interval", "0.2", "--no-startup-delay", *args],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")[-4000:]

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            wait_or_kill(proc, timeout=20)


def _until(check, what: str, workers: Workers, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, (what, {n: workers.log(n) for n in workers.procs})
        time.sleep(0.1)


def test_a_task_of_a_worker_killed_mid_run_is_finished_by_another(worker_env, tmp_path):
    go, runs = tmp_path / "go", tmp_path / "runs"
    row = DBTaskResult.objects.create(
        task_path=TASK_PATH, args_kwargs={"args": [str(go), str(runs)], "kwargs": {}},
        backend_name="default", run_after=get_date_max())
    workers = Workers(worker_env, tmp_path)
    try:
        workers.start("first", "--no-scheduler")
        _until(lambda: runs.exists(), "the first worker runs the task", workers)
        row.refresh_from_db()
        assert row.status == "RUNNING"
        first = row.worker_ids[-1]
        assert WorkerHeartbeat.objects.filter(worker_id=first).exists()

        os.killpg(workers.procs["first"].pid, signal.SIGKILL)
        workers.procs["first"].wait(timeout=20)
        go.touch()
        time.sleep(1)
        row.refresh_from_db()
        assert row.status == "RUNNING"  # nothing of the dead worker's ends by itself

        workers.start("second", "--tick", "0.5")
        _until(lambda: DBTaskResult.objects.get(pk=row.pk).status == "SUCCESSFUL",
               "the second worker takes the task over", workers)
        row.refresh_from_db()
        assert row.return_value == "done"
        assert len(row.worker_ids) == 2 and row.worker_ids[0] == first != row.worker_ids[1]
        pids = runs.read_text().split()
        assert len(pids) == 2 and pids[0] != pids[1]
        assert "re-queued" in workers.log("second")
    finally:
        workers.stop_all()
    # The second stopped cleanly: its beat is gone; the killed one's ages out.
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == [first]

"""A task for tests/production/test_worker_killed.py, imported by the `smartwork worker`
processes it starts (PYTHONPATH is the checkout): it notes the process running it, then
waits for a file, so the test can kill its worker mid-task."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.tasks import task


@task()
def wait_for_file(go: str, runs: str) -> str:
    with Path(runs).open("a") as f:
        f.write(f"{os.getpid()}\n")
    deadline = time.monotonic() + 120
    while not Path(go).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(go)
        time.sleep(0.1)
    return "done"

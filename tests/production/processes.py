"""What the production tests share: the `smartwork` command of this checkout, the
environment it runs in as an operator would start it, and stopping what they started."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent / "smartwork"


def production_env(data_dir: Path) -> dict[str, str]:
    """This process's environment without the test run's settings (SMARTWORK_*, DJANGO_*,
    PYTEST*, DEBUG), with the production settings: DEBUG off, a fresh SECRET_KEY, and
    `data_dir` as the data folder. The caller adds the database and the rest."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SMARTWORK_", "DJANGO_", "PYTEST")) and k != "DEBUG"}
    env.update({
        "DJANGO_SETTINGS_MODULE": "smartwork.config.settings", "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50), "SMARTWORK_DATA_DIR": str(data_dir),
    })
    return env


def wait_or_kill(proc: subprocess.Popen[Any], *, timeout: float) -> None:
    """Wait for a process started in its own session (start_new_session=True) that was
    asked to stop; past `timeout`, kill its whole process group."""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

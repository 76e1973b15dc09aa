#!/usr/bin/env python3
"""Install smartwork into .venv (from the pinned lock) and run it.

    python3 run.py demo [--reset]     install, then start the demo on http://127.0.0.1:8000
    python3 run.py test [pytest args] install, then run the whole test suite

Needs only Python >= 3.12 and the package index.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements" / "lock.txt"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def ensure_python() -> None:
    if sys.version_info >= (3, 12):
        return
    for name in ("python3.13", "python3.12"):
        found = shutil.which(name)
        if found:
            os.execv(found, [found, __file__, *sys.argv[1:]])
    sys.exit("smartwork needs Python 3.12 or newer (pyenv: the .python-version file selects it).")


def ensure_venv() -> None:
    if not (BIN / "python").exists():
        print("Creating .venv ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    stamp = VENV / ".installed"
    digest = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    print("Installing the pinned dependencies (requirements/lock.txt) ...", flush=True)
    subprocess.run([*pip, "-r", str(LOCK)], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
    stamp.write_text(digest)


def main() -> None:
    ensure_python()
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test"}:
        sys.exit(__doc__)
    command, rest = sys.argv[1], sys.argv[2:]
    ensure_venv()
    os.chdir(ROOT)
    if command == "demo":
        os.execv(str(BIN / "smartwork"), [str(BIN / "smartwork"), "demo", *rest])
    if not any(arg == "-n" or arg.startswith(("-n", "--numprocesses")) for arg in rest):
        # Two workers (this is a 2-core machine); a test file stays on one worker so
        # that its module fixtures (a browser, a RADIUS server) are started once.
        rest = ["-n", os.environ.get("SMARTWORK_TEST_WORKERS", "2"), "--dist", "loadfile", *rest]
    os.execv(str(BIN / "python"), [str(BIN / "python"), "-m", "pytest", *rest])


if __name__ == "__main__":
    main()

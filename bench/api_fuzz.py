"""schemathesis over the whole API, longer than CI's run (tests/fuzz/test_api_fuzz.py).

    .venv/bin/python bench/api_fuzz.py [--examples 100] [--only sqlite|postgres]

Runs the fuzz test for the member, the company admin and the operator with EXAMPLES
cases per operation and generation mode (positive and negative), on SQLite and on a
fresh PostgreSQL database (127.0.0.1:5432, `test_sw_fuzz_bench`), and prints for each
role the requests sent, the failures found (5xx, schema or error-shape violations) and
the time taken. Exits non-zero if any run found a failure; the failures are printed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"FUZZ role=(\S+) examples=(\d+) requests=(\d+) failures=(\d+) "
                  r"seconds=([\d.]+)")


def run(db: str, examples: int) -> bool:
    env = {**os.environ, "SMARTWORK_FUZZ_EXAMPLES": str(examples)}
    if db == "postgres":
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/sw_fuzz_bench"
    else:
        env.pop("DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/fuzz", "-q", "-s", "-n", "0",
         "-p", "no:randomly", "--create-db"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    for m in LINE.finditer(proc.stdout):
        role, ex, sent, failures, seconds = m.groups()
        rate = int(sent) / max(float(seconds), 0.001)
        print(f"{db:9} {role:14} {ex:>4} cases/op/mode  {sent:>7} requests  "
              f"{failures:>3} failures  {float(seconds):7.1f} s  {rate:6.0f} req/s")
    if proc.returncode != 0:
        print("\n".join(line for line in proc.stdout.splitlines()
                        if line.startswith("E ") or "failures in" in line)[-20000:])
    return proc.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    ok = True
    for db in ("sqlite", "postgres"):
        if args.only in (None, db):
            ok = run(db, args.examples) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

"""What every benchmark sets up alike: the environment of a production-like run (no
debug, no demo, quiet logs) and a fresh PostgreSQL database.

    from benchenv import bench_env, fresh_database, in_process

`in_process` is for the benchmarks that run smartwork in their own process (the test
client, the services); `bench_env` for those that start servers or a second Python.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"


def bench_env(**extra: str) -> dict[str, str]:
    """The settings a benchmark runs smartwork with, over this process's environment."""
    return dict(os.environ, SECRET_KEY="bench-" + "x" * 50, DEBUG="0", SMARTWORK_DEMO="0",
                SECURE_SSL_REDIRECT="0", LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT / "src"),
                DJANGO_SETTINGS_MODULE="smartwork.config.settings", **extra)


def _server(url: str) -> tuple[str, str]:
    base, name = url.rsplit("/", 1)
    return f"{base}/postgres", name


def fresh_database(url: str) -> None:
    """Drop and create the PostgreSQL database of `url`."""
    import psycopg

    server, name = _server(url)
    with psycopg.connect(server, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    server, name = _server(url)
    with psycopg.connect(server, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def in_process(*, database_url: str, prefix: str, allowed_hosts: str = "testserver") -> Path:
    """Set this process up to run smartwork on a fresh database: `database_url` (PostgreSQL,
    dropped and created) or, when empty, a throw-away SQLite file in the returned folder.
    `django.setup()` is the caller's next step."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update(bench_env(SMARTWORK_DATA_DIR=str(workdir), ALLOWED_HOSTS=allowed_hosts))
    if database_url:
        fresh_database(database_url)
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "src"))
    return workdir

"""A queue for SQLite writers of bookings.

SQLite lets one writer at a time; the others wait in its busy handler, which
polls with sleeps of up to 100 ms, so under a burst some writers wait far longer
than the queue ahead of them (seconds at p99). Taking an exclusive `flock` on a
file beside the database before BEGIN IMMEDIATE makes the booking writers wait in
the kernel instead, woken as soon as the lock is free. PostgreSQL needs none of
this (row locks), nor does a transaction already open (it holds the write lock).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator

from django.db import connection


def _lock_path() -> str | None:
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict.get("NAME") or "")
    test_name = (connection.settings_dict.get("TEST") or {}).get("NAME")
    if test_name and name.startswith("file:memorydb"):
        name = str(test_name)
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return f"{name}.writers.lock"


@contextlib.contextmanager
def sqlite_writer_queue() -> Iterator[None]:
    path = _lock_path() if not connection.in_atomic_block else None
    if path is None:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

"""Django's PostgreSQL backend with a health check skipped on a busy connection.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` at the start of every request that
reuses a persistent connection: on the booking engine's hot path (issue #4) that is one
round trip and one statement more per request (about 1 in 11). A connection that ended
its last request cleanly less than `HEALTH_CHECK_AFTER_IDLE` seconds ago is not
checked again: what breaks a kept connection (a server restart, an idle timeout, a
network cut) mostly happens while it is idle, and an idle connection is still checked
before use. If one does break while busy, that one request fails and Django closes the
connection at its end (errors_occurred), as it does without health checks; the next
request reconnects.
"""

from __future__ import annotations

import time

from django.db.backends.postgresql import base

HEALTH_CHECK_AFTER_IDLE = 1.0  # seconds


class DatabaseWrapper(base.DatabaseWrapper):
    _clean_at: float | None = None

    def close_if_health_check_failed(self) -> None:
        # (health_check_enabled: set by Django's connect(), not in its type stubs)
        if (self.connection is not None and getattr(self, "health_check_enabled", False)
                and not getattr(self, "health_check_done", False) and self._clean_at is not None
                and time.monotonic() - self._clean_at < HEALTH_CHECK_AFTER_IDLE):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self) -> None:
        # Called at the end of every request: remember when the connection last ended
        # a request with no error and was kept.
        clean = self.connection is not None and not self.errors_occurred
        super().close_if_unusable_or_obsolete()
        self._clean_at = time.monotonic() if clean and self.connection is not None else None

    def close(self) -> None:
        self._clean_at = None
        super().close()

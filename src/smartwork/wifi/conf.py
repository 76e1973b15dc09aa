"""WiFi settings, overridable with ``SMARTWORK_WIFI = {...}`` in the Django settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Failed attempts per WiFi identity before it is locked, counted within WINDOW.
    "MAX_FAILURES": 5,
    "FAILURE_WINDOW_SECONDS": 15 * 60,
    "LOCKOUT_SECONDS": 15 * 60,
    # Session-Timeout when the centre has no opening hours on record (open all day).
    "MAX_SESSION_SECONDS": 12 * 3600,
    # Open sessions with no accounting for this long are closed as stale.
    "STALE_SESSION_SECONDS": 6 * 3600,
    # Require Message-Authenticator on Access-Request for new access points.
    "REQUIRE_MESSAGE_AUTHENTICATOR": True,
}


def wifi_setting(name: str) -> Any:
    overrides = getattr(settings, "SMARTWORK_WIFI", {}) or {}
    return overrides.get(name, DEFAULTS[name])

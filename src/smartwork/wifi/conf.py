"""WiFi settings, overridable with ``SMARTWORK_WIFI = {...}`` in the Django settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Failed attempts per WiFi identity before it is locked, counted within WINDOW.
    "MAX_FAILURES": 5,
    "FAILURE_WINDOW_SECONDS": 15 * 60,
    "LOCKOUT_SECONDS": 15 * 60,
    # Failed attempts per client address (the device's Calling-Station-Id, else the
    # access point), whatever the username, before that address is locked: first for
    # LOCKOUT_SECONDS, twice as long at each new lock, at most ADDRESS_LOCKOUT_MAX_SECONDS
    # (a quiet period that long starts the count afresh). accounts.throttle keeps them.
    "MAX_FAILURES_PER_ADDRESS": 20,
    # The same for an access point that sends no Calling-Station-Id (all its devices).
    "MAX_FAILURES_PER_ACCESS_POINT": 200,
    "ADDRESS_LOCKOUT_MAX_SECONDS": 4 * 3600,
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

"""The WSGI application's two stacks (core/wsgi.py), called as granian calls it."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest
from django.core import signals
from django.db import close_old_connections

from smartwork.accounts.services import api_token_create
from smartwork.core.wsgi import Application, lean_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def app():
    """The production application, with connections kept open between requests as the
    test client does (the test's transaction holds them)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield Application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def environ(path: str, method: str = "GET", body: bytes = b"", **headers: str) -> dict[str, Any]:
    env: dict[str, Any] = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
    }
    env.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    return env


def call(app: Application, env: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    seen: list[Any] = []
    result = app(env, lambda status, headers, exc_info=None: seen.append((status, headers)))
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    status, headers = seen[0]
    parsed = json.loads(body) if body and dict(headers).get("Content-Type", "").startswith(
        "application/json") else body
    return int(status.split()[0]), dict(headers), parsed


class Counting:
    def __init__(self, handler: Any) -> None:
        self.handler, self.calls = handler, 0

    def __call__(self, *args: Any) -> Any:
        self.calls += 1
        return self.handler(*args)


class TestWhichStack:
    @pytest.mark.parametrize("path, headers, lean", [
        ("/api/v1/me", {"HTTP_AUTHORIZATION": "Bearer sw_x"}, True),
        ("/api/v1/me", {"HTTP_AUTHORIZATION": "Bearer sw_x",
                        "HTTP_COOKIE": "csrftoken=a; sessionid=b"}, False),
        ("/api/v1/me", {"HTTP_AUTHORIZATION": "Bearer sw_x", "HTTP_COOKIE": "csrftoken=a"},
         True),
        ("/api/v1/me", {}, False),
        ("/api/v1/me", {"HTTP_AUTHORIZATION": "Basic eDp5"}, False),
        ("/bookings/", {"HTTP_AUTHORIZATION": "Bearer sw_x"}, False),
        ("/apiary/", {"HTTP_AUTHORIZATION": "Bearer sw_x"}, False),
    ])
    def test_only_bearer_api_requests_without_a_session_take_the_lean_stack(
            self, path, headers, lean):
        assert lean_request({"PATH_INFO": path, **headers}) is lean

    def test_the_lean_stack_is_settings_api_middleware(self, app, settings):
        assert len(settings.API_MIDDLEWARE) < len(settings.MIDDLEWARE)
        assert "django.contrib.sessions.middleware.SessionMiddleware" not in \
            settings.API_MIDDLEWARE
        assert "django.middleware.security.SecurityMiddleware" in settings.API_MIDDLEWARE
        # Loading the API's stack left the site's setting as it was.
        assert "django.contrib.sessions.middleware.SessionMiddleware" in settings.MIDDLEWARE


class TestLeanStack:
    def test_a_token_request_is_served_by_the_lean_stack(self, app, member):
        _, raw = api_token_create(user=member, name="script")
        app.api, app.site = Counting(app.api), Counting(app.site)
        status, headers, body = call(app, environ("/api/v1/me", AUTHORIZATION=f"Bearer {raw}"))
        assert status == 200 and body["id"] == member.pk
        assert (app.api.calls, app.site.calls) == (1, 0)
        # What keeps an answer safe and in the caller's language is on this stack too.
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Content-Language"] == "en"
        assert "Set-Cookie" not in headers

    def test_a_refused_token_gets_the_same_answer_from_both_stacks(self, app):
        lean = call(app, environ("/api/v1/me", AUTHORIZATION="Bearer sw_nope"))
        site = call(app, environ("/api/v1/me", AUTHORIZATION="Bearer sw_nope",
                                 COOKIE="sessionid=unknown"))
        assert lean[0] == site[0] == 401
        assert lean[2] == site[2] and lean[2]["error"]["code"] == "not_authenticated"

    def test_errors_come_in_the_callers_language(self, app, member):
        _, raw = api_token_create(user=member, name="script")
        status, headers, body = call(app, environ(
            "/api/v1/bookings", "POST", json.dumps({"slot": "morning"}).encode(),
            AUTHORIZATION=f"Bearer {raw}", ACCEPT_LANGUAGE="fr"))
        assert status == 422 and headers["Content-Language"] == "fr"
        assert body["error"]["fields"] and "date" in body["error"]["fields"]

    def test_a_booking_through_the_lean_stack(self, app, member, centre):
        from smartwork.bookings.tests.factories import workday
        from smartwork.network.choices import ResourceKind

        desk = centre.resources.filter(kind=ResourceKind.DESK).order_by("name").first()
        _, raw = api_token_create(user=member, name="script")
        status, _, body = call(app, environ(
            "/api/v1/bookings", "POST",
            json.dumps({"resource_id": desk.pk, "slot": "morning",
                        "date": workday(2).isoformat()}).encode(),
            AUTHORIZATION=f"Bearer {raw}"))
        assert status == 201, body
        assert body["resource_id"] == desk.pk and body["state"] == "confirmed"

    def test_the_browser_site_still_has_its_session_stack(self, app, member):
        app.api, app.site = Counting(app.api), Counting(app.site)
        status, headers, _ = call(app, environ("/login/"))
        assert status == 200 and (app.api.calls, app.site.calls) == (0, 1)
        assert "csrftoken" in headers.get("Set-Cookie", "")

"""The WSGI application: two Django handlers, one per middleware stack.

A request to the API that carries `Authorization: Bearer ...` and no session cookie
(a script, an integration, the benchmark's clients) needs none of the browser's
middleware: no session, no CSRF cookie, no messages, no htmx, no static files. It
goes through `settings.API_MIDDLEWARE`; every other request, the API called from a
browser session included, through `settings.MIDDLEWARE`. Both stacks keep what makes
an answer safe and in the caller's language (SecurityMiddleware, LocaleMiddleware,
X-Frame-Options). On the booking route that is ~5 % less CPU per request
(docs/benchmarks.md).

Each stack has its own handler because a Django handler keeps its view, template and
exception middleware lists on itself, and they are read on every request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"  # config/urls.py


class AnonymousUserMiddleware:
    """`request.user` for the API stack before a token says who it is: ninja's session
    auth, tried after a refused token, reads it (AuthenticationMiddleware would need
    the session)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        return self.get_response(request)


class StackHandlerMixin:
    """A Django handler whose middleware is `middleware_list`, not settings.MIDDLEWARE."""

    middleware_list: list[str]

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler reads settings.MIDDLEWARE: give it this stack's list while it loads
        # (once per handler, before its first request).
        saved = settings.MIDDLEWARE
        settings.MIDDLEWARE = self.middleware_list
        try:
            super().load_middleware(is_async)  # type: ignore[misc]
        finally:
            settings.MIDDLEWARE = saved


class ApiHandler(StackHandlerMixin, WSGIHandler):
    def __init__(self) -> None:
        self.middleware_list = list(settings.API_MIDDLEWARE)
        super().__init__()


def lean_request(environ: dict[str, Any]) -> bool:
    """An API request with a Bearer token and no session cookie."""
    return (environ.get("PATH_INFO", "").startswith(API_PREFIX)
            and environ.get("HTTP_AUTHORIZATION", "").startswith("Bearer ")
            and settings.SESSION_COOKIE_NAME + "=" not in environ.get("HTTP_COOKIE", ""))


class Application:
    """Sends each request to the site's handler or to the API's lean one."""

    def __init__(self) -> None:
        self.site = WSGIHandler()
        self.api = ApiHandler()

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        handler = self.api if lean_request(environ) else self.site
        return handler(environ, start_response)

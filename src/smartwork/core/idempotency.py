"""`Idempotency-Key` for POST routes: a retry gets the first answer.

Use on a ninja operation (above or below the route decorator)::

    @router.post("/bookings", response={201: BookingOut})
    @idempotent
    def booking_create(request, data: BookingIn): ...

- no header: the route runs as usual;
- first request with a key: the route runs in one transaction with a row for the
  key (the unique (user, key) constraint is the lock), and its answer (status and
  body) is stored in that row before the commit: changes, row and answer commit
  together or not at all;
- the same key again, same body: the stored answer is replayed, with the header
  `Idempotent-Replayed: true`;
- the same key while the first is still running: the retry waits for the first
  transaction to end (up to the database's lock timeout, then 409
  `idempotency_in_progress`): committed, its answer is replayed; rolled back (an
  error, or a server killed mid-request), the retry runs;
- the same key with another method, path or body: 422 `idempotency_key_reused`.

A 5xx, 401 or 403 answer is not kept (its transaction is rolled back) so that the
client may retry. `IdempotencyMiddleware` applies this to every POST of the API.
Answers are kept `KEEP_FOR` (purged by a periodic job).
Keys are per user; anonymous requests pass through (they are refused anyway).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja.decorators import decorate_view

from smartwork.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
KEEP_FOR = dt.timedelta(hours=24)


def _error(status: int, code: str, message: str, field: str = HEADER) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "fields": {field: [message]}}}
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def _user_of(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        from smartwork.accounts.services import api_token_authenticate

        return api_token_authenticate(raw=auth.removeprefix("Bearer ").strip())
    return None


def request_fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(b"\0")
    digest.update(request.path.encode())
    digest.update(b"\0")
    digest.update(request.body or b"")
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(record.response_body, status=record.status_code or 200,
                            content_type="application/json")
    response["Idempotent-Replayed"] = "true"
    return response


def _keep(response: HttpResponse) -> bool:
    """Whether this answer is the one to replay: not a 5xx (the client may retry), not a
    401/403 (a refused login or CSRF check: the retry may carry what was missing), not a
    stream, and not an answer whose transaction broke (PostgreSQL: it will roll back)."""
    return not (response.status_code >= 500 or response.status_code in (401, 403)
                or getattr(response, "streaming", False)
                or transaction.get_connection().needs_rollback)


def _guard(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.headers.get(HEADER)
        if not key or getattr(request, "_idempotency_guarded", False):
            return run(request, *args, **kwargs)
        request._idempotency_guarded = True  # type: ignore[attr-defined]
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            return _error(422, "invalid", f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters.")
        user = _user_of(request)
        if user is None:
            return run(request, *args, **kwargs)
        fingerprint = request_fingerprint(request)
        for _attempt in range(3):
            try:
                return _first_run(request, run, args, kwargs, user=user, key=key,
                                  fingerprint=fingerprint)
            except IntegrityError:
                pass  # the key is taken: by a committed first run, read below
            except OperationalError:
                # Waited on the first run's transaction beyond the lock timeout.
                return _error(409, "idempotency_in_progress",
                              "A request with this Idempotency-Key is still being processed.")
            existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
            if existing is None:
                continue  # the first run rolled back meanwhile: this one runs
            if existing.request_hash != fingerprint:
                return _error(422, "idempotency_key_reused",
                              "This Idempotency-Key was used for another request.")
            if existing.state == IdempotencyRecord.State.DONE:
                return _replay(existing)
            # A committed in-progress row (left by an older version): its run is over.
            IdempotencyRecord.objects.filter(
                pk=existing.pk, state=IdempotencyRecord.State.IN_PROGRESS).delete()
        return _error(409, "idempotency_in_progress",
                      "A request with this Idempotency-Key was just retried; try again.")

    return wrapper


def _first_run(request: HttpRequest, run: Callable[..., HttpResponse], args: Any, kwargs: Any,
               *, user: Any, key: str, fingerprint: str) -> HttpResponse:
    """Run the request in one transaction with its record: the record, the request's
    changes and its answer commit together or not at all. A twin sent meanwhile waits on
    the record's unique key (PostgreSQL) or the write lock (SQLite) until this
    transaction ends: committed, it replays the answer; rolled back (an error, a crashed
    server), it runs again. So a retry after a crash never meets its own first attempt."""
    with transaction.atomic():
        with transaction.atomic():  # a savepoint: the IntegrityError leaves the outer usable
            record = IdempotencyRecord.objects.create(
                user=user, key=key, method=request.method or "", path=request.path[:300],
                request_hash=fingerprint,
            )
        response = run(request, *args, **kwargs)
        if _keep(response):
            IdempotencyRecord.objects.filter(pk=record.pk).update(
                state=IdempotencyRecord.State.DONE, status_code=response.status_code,
                response_body=response.content.decode("utf-8", errors="replace"),
            )
        else:
            transaction.set_rollback(True)
    return response


class IdempotencyMiddleware:
    """`Idempotency-Key` on every POST of the API (both middleware stacks, last): a POST
    that creates or changes records or money, today's and those added later, honours
    the key without a decorator. `@idempotent` on a route is then a no-op, kept for the
    routes' OpenAPI header. A key on a multipart upload larger than
    DATA_UPLOAD_MAX_MEMORY_SIZE is refused (413): its fingerprint needs the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.guarded = _guard(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (request.method == "POST" and request.path_info.startswith("/api/")
                and HEADER in request.headers):
            from django.core.exceptions import RequestDataTooBig

            try:
                request.body  # noqa: B018 - read now: the fingerprint needs it
            except RequestDataTooBig:
                return _error(413, "payload_too_large",
                              "This body is too large to be sent with an Idempotency-Key.")
            return self.guarded(request)
        return self.get_response(request)


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a ninja operation so that it honours `Idempotency-Key`."""
    return decorate_view(_guard)(view)


def idempotency_records_purge(*, now: dt.datetime | None = None) -> int:
    """Forget the answers older than KEEP_FOR (a periodic job; idempotent)."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _register_purge() -> None:
    from smartwork.core import periodic

    periodic.register(idempotency_records_purge, every_seconds=3600,
                      name="core.idempotency_records_purge")


_register_purge()


IDEMPOTENCY_OPENAPI = {
    "parameters": [{
        "in": "header", "name": HEADER, "required": False,
        "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
        "description": "Any unique string (a UUID). A retry with the same key gets the "
                       "first answer; while the first is running, 409.",
    }],
}

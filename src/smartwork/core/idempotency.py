"""`Idempotency-Key` for POST routes: a retry gets the first answer.

Use on a ninja operation (above or below the route decorator)::

    @router.post("/bookings", response={201: BookingOut})
    @idempotent
    def booking_create(request, data: BookingIn): ...

- no header: the route runs as usual;
- first request with a key: a row is committed as *in progress* before the
  route runs (the unique (user, key) constraint is the lock), then the answer
  (status and body) is stored with it;
- the same key again, same body: the stored answer is replayed, with the header
  `Idempotent-Replayed: true`;
- the same key while the first is still running: 409 `idempotency_in_progress`;
- the same key with another method, path or body: 422 `idempotency_key_reused`.

A 5xx answer is not kept (the row is deleted) so that the client may retry.
A row left *in progress* by a crashed worker is taken over after
`STALE_AFTER`. Answers are kept `KEEP_FOR` (purged by a periodic job).
Keys are per user; anonymous requests pass through (they are refused anyway).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja.decorators import decorate_view

from smartwork.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
STALE_AFTER = dt.timedelta(minutes=5)
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
        try:
            # Its own committed transaction: a concurrent twin must see it at once.
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, key=key, method=request.method or "", path=request.path[:300],
                    request_hash=fingerprint,
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
            if existing is None:  # deleted meanwhile (its first try failed): refuse, retry later
                return _error(409, "idempotency_in_progress",
                              "A request with this key was just retried; try again.")
            if existing.request_hash != fingerprint:
                return _error(422, "idempotency_key_reused",
                              "This Idempotency-Key was used for another request.")
            if existing.state == IdempotencyRecord.State.DONE:
                return _replay(existing)
            # Taken over only if still stale under this conditional update (one winner).
            now = timezone.now()
            taken = IdempotencyRecord.objects.filter(
                pk=existing.pk, state=IdempotencyRecord.State.IN_PROGRESS,
                created_at__lt=now - STALE_AFTER,
            ).update(created_at=now)
            if not taken:
                return _error(409, "idempotency_in_progress",
                              "A request with this Idempotency-Key is still being processed.")
            record = existing
        try:
            response = run(request, *args, **kwargs)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        # Not kept either: 401/403 (a refused login or CSRF check: the retry may carry
        # what was missing).
        if (response.status_code >= 500 or response.status_code in (401, 403)
                or getattr(response, "streaming", False)):
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            state=IdempotencyRecord.State.DONE, status_code=response.status_code,
            response_body=response.content.decode("utf-8", errors="replace"),
        )
        return response

    return wrapper


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

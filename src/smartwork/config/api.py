"""The API at /api/v1: one NinjaAPI, one error shape, session or token auth."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader, SessionAuth

from smartwork.accounts.services import api_token_authenticate
from smartwork.core.errors import DomainError, Forbidden, from_django_validation_error
from smartwork.core.guard import StrictParser, openapi_local_times

log = logging.getLogger("smartwork.api")


class BearerToken(APIKeyHeader):
    """`Authorization: Bearer <token>` with a personal API token."""

    param_name = "Authorization"
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key or not key.startswith("Bearer "):
            return None
        user = api_token_authenticate(raw=key.removeprefix("Bearer ").strip())
        if user is not None:
            token_scope_check(request, getattr(user, "_smartwork_token_scope", "full"))
            request.user = user
        return user


# What a token of scope "bookings" may call (paths below /api/v1): its own bookings and
# what finding a desk needs; reads of centres, networks and the profile.
BOOKINGS_SCOPE = ("/bookings", "/booking-series", "/availability", "/check-in",
                  "/me/calendar", "/me/reminders", "/me/favourites")
BOOKINGS_SCOPE_READS = ("/centres", "/networks", "/me", "/floor-plans")
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def token_scope_check(request: HttpRequest, scope: str) -> None:
    """Refuse (403 `token_scope`) what a token's scope does not cover."""
    if scope == "full":
        return
    path = request.path.removeprefix("/api/v1")
    read = request.method in READ_METHODS
    if scope == "read" and read:
        return
    if scope == "bookings" and (path.startswith(BOOKINGS_SCOPE) or (
            read and path.startswith(BOOKINGS_SCOPE_READS))) and not path.startswith(
            "/me/tokens"):
        return
    raise Forbidden(_("This API token's scope does not allow this."), code="token_scope")


class SessionCookie(SessionAuth):
    """The browser session, with its CSRF check; a request with no signed-in session is
    simply not authenticated (401 `not_authenticated`), not refused for CSRF (403)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)


class SmartworkAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        fixed = openapi_local_times(dict(schema))
        schema.clear()
        schema.update(fixed)
        return schema


api = SmartworkAPI(
    title="smartwork API",
    version="1",
    description=(
        "One service for a network of shared workplaces. Authenticate with the browser "
        "session or a personal API token (`Authorization: Bearer ...`). Every error has "
        'the shape `{"error": {"code", "message", "fields"}}`.'
    ),
    auth=[BearerToken(), SessionCookie(csrf=True)],
    urls_namespace="api",
    docs_url="/docs",
    parser=StrictParser(),
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str,
    fields: dict[str, list[str]] | None = None, data: dict[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message, "fields": fields or {}}
    if data:
        body["data"] = data
    return api.create_response(request, {"error": body}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _field_name(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "header")]
    # Ninja wraps the body in the parameter name (e.g. "payload"/"data"); drop it.
    if len(parts) > 1 and parts[0] in ("data", "body", "filters", "params"):
        parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        fields.setdefault(_field_name(err.get("loc", ())), []).append(str(err.get("msg", "")))
    first = next(iter(fields.items()), ("", [""]))
    return error_response(
        request, 422, "invalid", f"{first[0]}: {first[1][0]}" if first[0] else "Invalid input.",
        fields,
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "not_authenticated", "Log in or send an API token.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, DomainError):  # raised by StrictParser.parse_body
        return _domain_error(request, exc.__cause__)
    return error_response(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 404, "not_found", "Not found.")


@api.exception_handler(ObjectDoesNotExist)
def _does_not_exist(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 404, "not_found", "Not found.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 403, "forbidden", "Your role does not allow this here.")


@api.exception_handler(DjangoValidationError)
def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, from_django_validation_error(exc).as_dict(), status=422)


@api.exception_handler(IntegrityError)
def _integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    log.info("integrity error turned into 409: %s", exc)
    return error_response(
        request, 409, "conflict", "This conflicts with data already stored; nothing was changed."
    )


@api.exception_handler(OperationalError)
def _operational(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    # Lock time-outs and serialisation failures: the client may retry.
    log.warning("database busy: %s", exc)
    return error_response(request, 503, "busy", "The service is busy; try again in a moment.")


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 413, "payload_too_large", "The body is too large.")


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 400, "invalid", "The multipart body cannot be read.")


@api.exception_handler(UnreadablePostError)
def _unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 400, "invalid", "The body could not be read.")


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 400, "invalid", "The request is malformed.")


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # A value the column cannot hold. Services and schemas bound their inputs so that
    # both databases refuse alike; this is the last guard (PostgreSQL says so, SQLite
    # may not), logged so that a test or the operator sees which bound is missing.
    log.error("database refused a value: %s", exc)
    return error_response(request, 422, "value_out_of_range",
                          "A value is out of the range this service stores.")


@api.exception_handler(OverflowError)
def _overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    log.error("number out of range: %s", exc)
    return error_response(request, 422, "value_out_of_range", "A number is too large.")


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("unexpected API error")
    return error_response(request, 500, "server_error", "Something went wrong on our side.")


def _register_routers() -> None:
    from smartwork.accounts.api import router as accounts_router
    from smartwork.billing.api import router as billing_router
    from smartwork.billing.api_delivery import router as billing_delivery_router
    from smartwork.bookings.api import router as bookings_router
    from smartwork.community.api import router as community_router
    from smartwork.core.api import router as core_router
    from smartwork.credits.api import router as credits_router
    from smartwork.economics.api import router as economics_router
    from smartwork.insights.api import router as insights_router
    from smartwork.network.api import router as network_router
    from smartwork.sso.api import router as sso_router
    from smartwork.wellbeing.api import router as wellbeing_router
    from smartwork.wifi.api import router as wifi_router
    from smartwork.workplans.api import router as workplans_router

    api.add_router("", accounts_router)
    api.add_router("", core_router)
    api.add_router("", network_router)
    api.add_router("", bookings_router)
    api.add_router("", credits_router)
    api.add_router("", billing_router)
    api.add_router("", billing_delivery_router)
    api.add_router("", wifi_router)
    api.add_router("", insights_router)
    api.add_router("", workplans_router)

    api.add_router("", wellbeing_router)
    api.add_router("", economics_router)
    api.add_router("", community_router)
    api.add_router("", sso_router)
    from smartwork.twofactor.api import router as twofactor_router

    api.add_router("", twofactor_router)
    from smartwork.bookings.api_floorplans import router as floorplans_router
    from smartwork.bookings.api_reminders import router as reminders_router

    api.add_router("", floorplans_router)
    api.add_router("", reminders_router)
    from smartwork.bookings.api_favourites import router as favourites_router

    api.add_router("", favourites_router)
    from smartwork.bookings.api_colleagues import router as colleagues_router

    api.add_router("", colleagues_router)


_register_routers()

"""What the API accepts at its door, whatever the operation (docs/operations.md, "Limits").

Every operation of /api/v1, today's and those added later, goes through these rules,
so that no input reaches a service or the database in a shape that would make it
answer 500, or answer differently on PostgreSQL and SQLite:

- `StrictParser` (NinjaAPI's parser) reads JSON bodies, query strings and form fields:
  a JSON body must be sent as `application/json` (415 otherwise); NUL characters,
  integers outside the databases' 64-bit range, `NaN`/`Infinity`, dates outside the
  years 1900-2999, date-times whose offset PostgreSQL cannot store (beyond ±15:59) and
  times of day with a time zone are refused with 422 and the field named.
- `ApiGuardMiddleware` (both middleware stacks) answers before any view: bodies larger
  than the limits (413), multipart bodies without a boundary (400), NUL bytes or ids
  beyond the 64-bit range in the path (404), and it turns Django's own 404 and 405
  answers under /api/ into the API's error shape. Pages get the same 404 (the site's
  page) for a path with a NUL byte or an id beyond the 64-bit range.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja.parser import Parser

from smartwork.core.errors import DomainError, InvalidInput

API_PREFIX = "/api/"
# PostgreSQL's bigint and SQLite's INTEGER: ids and every other integer column fit in it.
DB_INT_MAX = 2**63 - 1
DB_INT_MIN = -(2**63)
YEAR_MIN, YEAR_MAX = 1900, 2999
# PostgreSQL stores a time zone offset up to 15:59 (its TZ displacement limit).
MAX_OFFSET_MINUTES = 15 * 60 + 59

_DATE = re.compile(r"^[+-]?(\d{4,6})-\d{2}-\d{2}(?:$|[Tt ]\d{2}:)")
_DATETIME_OFFSET = re.compile(
    r"^\d{4,}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?([+-])(\d{2}):?(\d{2})$")
_TIME_WITH_ZONE = re.compile(r"^\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$")
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


def _string_problem(value: str) -> str | None:
    """Why this string may not enter the system, or None."""
    if "\x00" in value:
        return _("NUL characters are not allowed.")
    if len(value) >= 10 and "-" in value[4:8]:
        m = _DATE.match(value)
        if m and not YEAR_MIN <= int(m.group(1)) <= YEAR_MAX:
            return _("Dates must lie between the years %(min)s and %(max)s.") % {
                "min": YEAR_MIN, "max": YEAR_MAX}
        m = _DATETIME_OFFSET.match(value)
        if m and int(m.group(2)) * 60 + int(m.group(3)) > MAX_OFFSET_MINUTES:
            return _("A time zone offset lies between -15:59 and +15:59.")
    elif len(value) >= 5 and value[2] == ":" and _TIME_WITH_ZONE.match(value):
        return _("A time of day is local to the centre: send it without a time zone.")
    return None


def _int_problem(value: int) -> str | None:
    if not DB_INT_MIN <= value <= DB_INT_MAX:
        return _("This number is too large.")
    return None


def _check(value: Any, path: str, errors: dict[str, list[str]]) -> None:
    """Walk parsed JSON, collecting the problems of each field."""
    if isinstance(value, str):
        why = _string_problem(value)
    elif isinstance(value, bool):
        why = None
    elif isinstance(value, int):
        why = _int_problem(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and "\x00" in key:
                errors.setdefault(path or "__all__", []).append(
                    _("NUL characters are not allowed."))
                continue
            _check(item, f"{path}.{key}" if path else str(key), errors)
        return
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check(item, f"{path}.{i}" if path else str(i), errors)
        return
    else:
        why = None
    if why:
        errors.setdefault(path or "__all__", []).append(why)


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        name, whys = next(iter(errors.items()))
        raise InvalidInput(f"{name}: {whys[0]}", fields=errors)


def _no_constants(name: str) -> Any:
    raise InvalidInput(_("NaN and Infinity are not numbers JSON allows."))


def is_json_content_type(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/")
                                           and media.endswith("+json"))


class StrictParser(Parser):
    """Ninja's parser with the rules above (module docstring)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        meta = getattr(request, "META", None)
        # Ninja parses each JSON part of a multipart body with a bare request (no META).
        if meta is not None and not is_json_content_type(meta.get("CONTENT_TYPE", "")):
            raise UnsupportedMediaType(
                _("Send the body as JSON, with the header Content-Type: application/json."))
        data = json.loads(request.body, parse_constant=_no_constants)
        errors: dict[str, list[str]] = {}
        _check(data, "", errors)
        _refuse(errors)
        return cast(dict[str, Any], data)

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str],
                        request: HttpRequest) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        for key, values in data.lists():
            for value in values:
                if not isinstance(value, str):
                    continue  # an uploaded file
                why = _string_problem(value) or ("\x00" in key and _(
                    "NUL characters are not allowed.")) or None
                if why is None and _INTEGER.match(value):
                    why = _int_problem(int(value))
                if why:
                    errors.setdefault(key.replace("\x00", ""), []).append(why)
        _refuse(errors)
        return super().parse_querydict(data, list_fields, request)


def _error(status: int, code: str, message: str,
           extra: dict[str, str] | None = None) -> HttpResponse:
    response = JsonResponse({"error": {"code": code, "message": message, "fields": {}}},
                            status=status)
    for name, value in (extra or {}).items():
        response[name] = value
    return response


def _path_problem(path: str) -> bool:
    if "\x00" in path:
        return True
    return any(part.isascii() and part.isdigit() and int(part) > DB_INT_MAX
               for part in path.split("/"))


class ApiGuardMiddleware:
    """The door of /api/ (module docstring); of pages, only the path's ids and NULs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        refused = self.refuse(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if response.status_code in (404, 405) and not response.get(
                "Content-Type", "").startswith("application/json"):
            if response.status_code == 405:
                return _error(405, "method_not_allowed",
                              _("This method is not allowed here."),
                              {"Allow": response.get("Allow", "")})
            return _error(404, "not_found", _("Not found."))
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        """A page's id beyond 64 bits names no row: the site's 404 page (SQLite cannot
        even hold it in a query). Here rather than in `__call__`, so that the 404 page is
        rendered for the signed-in user (the authentication middleware has run)."""
        if not request.path_info.startswith(API_PREFIX) and _path_problem(request.path_info):
            raise Http404

    def refuse(self, request: HttpRequest) -> HttpResponse | None:
        if _path_problem(request.path_info):
            return _error(404, "not_found", _("Not found."))
        content_type = request.META.get("CONTENT_TYPE", "")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _error(400, "invalid", _("The Content-Length header is not a number."))
        media = content_type.split(";", 1)[0].strip().lower()
        if media == "multipart/form-data":
            if "boundary=" not in content_type.lower():
                return _error(400, "invalid", _("A multipart body needs its boundary."))
            limit = settings.SMARTWORK_MAX_UPLOAD_BYTES
        else:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return _error(413, "payload_too_large",
                          _("The body is larger than %(n)s bytes.") % {"n": limit})
        return None


LOCAL_TIME_SCHEMA = {
    "type": "string",
    "format": "partial-time",
    "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
    "description": "A local time of day at the centre (HH:MM or HH:MM:SS), "
                   "without a time zone.",
}


def openapi_local_times(node: Any) -> Any:
    """The API's times of day are local wall-clock times ("09:00:00"), which JSON
    Schema's `format: time` (RFC 3339 full-time, offset required) does not describe:
    document them as RFC 3339 partial-time with its pattern instead."""
    if isinstance(node, dict):
        if node.get("format") == "time" and node.get("type") == "string":
            rest = {k: v for k, v in node.items() if k not in ("format", "type")}
            return {**LOCAL_TIME_SCHEMA, **rest}
        return {k: openapi_local_times(v) for k, v in node.items()}
    if isinstance(node, list):
        return [openapi_local_times(v) for v in node]
    return node

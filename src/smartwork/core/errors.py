"""Domain errors: raised by services, turned into HTTP answers in one place.

Every error carries a stable machine code, a human message (translatable) and,
when the fault lies in given fields, the fields and why. The API's handler
(`smartwork.config.api`) renders them as
``{"error": {"code": ..., "message": ..., "fields": {...}}}`` and the pages show
them as form errors or messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError


class DomainError(Exception):
    status: int = 400
    code: str = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str] | str] | None = None,
        status: int | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.fields: dict[str, list[str]] = {
            name: [str(why)] if isinstance(why, str) else [str(w) for w in why]
            for name, why in (fields or {}).items()
        }
        self.data = dict(data or {})

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "fields": self.fields}
        if self.data:
            body["data"] = self.data
        return {"error": body}


class InvalidInput(DomainError):
    """The request is well-formed but a value breaks a rule (422)."""

    status = 422
    code = "invalid"


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The request clashes with the current state (a taken slot, a duplicate)."""

    status = 409
    code = "conflict"


def from_django_validation_error(exc: DjangoValidationError) -> InvalidInput:
    if hasattr(exc, "error_dict"):
        fields = {
            name: [str(m) for err in errors for m in err.messages]
            for name, errors in exc.error_dict.items()
        }
        first = next(iter(fields.values()), ["Invalid input."])
        return InvalidInput(first[0], fields=fields)
    messages = [str(m) for m in exc.messages]
    return InvalidInput(messages[0] if messages else "Invalid input.")

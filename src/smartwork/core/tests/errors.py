"""The API's error answer as the tests check it: one handler (core/errors.py) answers
every refusal with {"error": {"code": ..., "message": ..., "fields": {...}}}."""

from __future__ import annotations

from typing import Any


def assert_error(response: Any, status: int, field: str | None = None,
                 code: str | None = None) -> dict[str, Any]:
    """`response` is an error answer with `status`, in the error shape; when given,
    `field` is among its fields and `code` is its code. Returns the error."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message", "fields"} <= set(body["error"])
    if field:
        assert field in body["error"]["fields"], body
    if code:
        assert body["error"]["code"] == code, body
    error: dict[str, Any] = body["error"]
    return error

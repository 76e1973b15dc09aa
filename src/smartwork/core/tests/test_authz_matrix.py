"""Every API operation of /api/v1/openapi.json and every page, for every role, in and
out of scope, answers what its row declares (core/tests/authz.py says how rows are
written; each app keeps its rows in `tests/authz_rows.py`). An operation or a page with
no row fails here, with the file to add it to and the answers observed now.

The world (the demo data and a few more objects) is built once for this module in a
transaction rolled back at the end; each request runs in a savepoint rolled back after
it, so a DELETE or a cancel does not change what the next request sees."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from smartwork.core.tests.authz import (
    COLUMNS,
    Row,
    api_operations,
    collect,
    format_statuses,
    missing_message,
    page_patterns,
)
from smartwork.core.tests.authz_world import MISSING, World, world_with_clients

# Each test also runs in its own savepoint (pytest-django), inside the module's world.
pytestmark = pytest.mark.django_db

API_ROWS = collect("API_ROWS")
PAGE_ROWS = collect("PAGE_ROWS")


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with world_with_clients(django_db_blocker, COLUMNS, raise_request_exception=False) as w:
        yield w


def _path(template: str, world: World, row: Row | None) -> str:
    params = dict(row.params) if row else {}

    def value(match: Any) -> str:
        name = match.group(1)
        # A parameter the world has no object for: an id nothing has (404 for all).
        return str(world.ids.get(params.get(name, name), MISSING))

    return re.sub(r"{(\w+)}", value, template)


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    """A body or query with "{name}" replaced by the world's object `name` (its id)."""
    if isinstance(value, str):
        match = re.fullmatch(r"{(\w+)}", value)
        return ids[match.group(1)] if match else value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _call(client: Client, method: str, path: str, row: Row | None,
          ids: dict[str, Any]) -> int:
    query = _fill(dict(row.query), ids) if row else {}
    with transaction.atomic():
        if method in ("GET", "DELETE") and (row is None or row.body is None):
            response = getattr(client, method.lower())(path, data=query)
        else:
            body = json.dumps(_fill(row.body, ids) if row and row.body is not None else {})
            if query:
                from urllib.parse import urlencode

                path = f"{path}?{urlencode(query)}"
            response = getattr(client, method.lower())(path, data=body,
                                                       content_type="application/json")
        transaction.set_rollback(True)
    return response.status_code


def observe_api(key: str, world: Any, row: Row | None) -> dict[tuple[str, str], int]:
    built, clients = world
    method, template = key.split(" ", 1)
    path = _path(template, built, row)
    return {column: _call(clients[column], method, path, row, built.ids) for column in COLUMNS}


PAGES = page_patterns()


def observe_page(name: str, world: Any, row: Row | None) -> dict[tuple[str, str], int]:
    built, clients = world
    params = dict(row.params) if row else {}
    kwargs = {p: built.ids.get(params.get(p, p), MISSING)
              for p in PAGES.get(name, ("", []))[1]}
    path = reverse(name, kwargs=kwargs or None)
    return {column: _call(clients[column], "GET", path, row, built.ids) for column in COLUMNS}


def _mismatch(key: str, app: str, row: Row, got: dict[tuple[str, str], int]) -> str:
    expected = row.expected()
    wrong = [f"{role} {where}: expected {expected[(role, where)]}, got {got[(role, where)]}"
             for role, where in COLUMNS if expected[(role, where)] != got[(role, where)]]
    return (f"{key} (src/smartwork/{app}/tests/authz_rows.py) answers otherwise than its row:\n  "
            + "\n  ".join(wrong) + f"\n  observed: row(\"{format_statuses(got)}\")")


def test_every_api_operation_has_a_row(world):
    operations = api_operations()
    missing = {k: app for k, app in operations.items() if k not in API_ROWS}
    stale = sorted(k for k in API_ROWS if k not in operations)
    observed = {k: format_statuses(observe_api(k, world, None)) for k in missing}
    assert not missing, missing_message("API_ROWS", missing, observed)
    assert not stale, f"Rows for operations that no longer exist: {stale}"


def test_every_page_has_a_row(world):
    missing = {k: app for k, (app, _) in PAGES.items() if k not in PAGE_ROWS}
    stale = sorted(k for k in PAGE_ROWS if k not in PAGES)
    observed = {k: format_statuses(observe_page(k, world, None)) for k in missing}
    assert not missing, missing_message("PAGE_ROWS", missing, observed)
    assert not stale, f"Rows for pages that no longer exist: {stale}"


@pytest.mark.parametrize("key", sorted(API_ROWS))
def test_api_operation_answers_its_row(world, key):
    app, row = API_ROWS[key]
    got = observe_api(key, world, row)
    if row.known_bug and got != row.expected():
        pytest.xfail(f"known bug: {row.known_bug}")
    assert got == row.expected(), _mismatch(key, app, row, got)


@pytest.mark.parametrize("name", sorted(PAGE_ROWS))
def test_page_answers_its_row(world, name):
    app, row = PAGE_ROWS[name]
    got = observe_page(name, world, row)
    if row.known_bug and got != row.expected():
        pytest.xfail(f"known bug: {row.known_bug}")
    assert got == row.expected(), _mismatch(name, app, row, got)

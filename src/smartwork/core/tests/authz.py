"""The authorisation matrix: every API operation and every page, for every role, in
and out of scope, against the answer declared in the apps' `tests/authz_rows.py`.

A row is one string of 14 HTTP statuses, in the order of `COLUMNS`:

    anonymous | member in out | independent in out | company_admin in out |
    receptionist in out | centre_manager in out | operator in out | superuser

"In scope" is the person the target objects belong to (the Walloon network's Namur
centre, its operator, manager and receptionist, the company that books there, one of
its employees and an independent member of that network); "out of scope" is someone in
the same role elsewhere (another centre of the network, another company, the other
network). Each app declares its rows in `src/smartwork/<app>/tests/authz_rows.py`:

    API_ROWS = {"GET /api/v1/centres/{centre_id}/inspections": row(
        "401 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200")}
    PAGE_ROWS = {"web:centre_label": row("302 | ...", kwargs={"centre_id": "centre"})}

Path parameters take the id of the world's object of the same name (`World.ids`); a row
may map a parameter to another object (`params={"token_id": "wifi_token"}`), give a body
(`body={...}`) or a query string (`query={...}`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import importlib.util
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings

ROLES = ["anonymous", "member", "independent", "company_admin", "receptionist",
         "centre_manager", "operator", "superuser"]
# The columns of a row: (role, scope).
COLUMNS: list[tuple[str, str]] = [("anonymous", "-")] + [
    (role, where) for role in ROLES[1:-1] for where in ("in", "out")] + [("superuser", "-")]


@dataclasses.dataclass(frozen=True)
class Row:
    statuses: tuple[int, ...]
    params: Mapping[str, str] = dataclasses.field(default_factory=dict)
    body: Any = None
    query: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    note: str = ""

    def expected(self) -> dict[tuple[str, str], int]:
        return dict(zip(COLUMNS, self.statuses, strict=True))


def row(spec: str, *, params: Mapping[str, str] | None = None, body: Any = None,
        query: Mapping[str, Any] | None = None, note: str = "") -> Row:
    statuses = tuple(int(s) for s in re.findall(r"\d{3}", spec))
    if len(statuses) != len(COLUMNS):
        raise ValueError(f"A row has {len(COLUMNS)} statuses ({' | '.join(r for r, _ in COLUMNS)})"
                         f"; got {len(statuses)} in {spec!r}")
    return Row(statuses, dict(params or {}), body, dict(query or {}), note)


def format_statuses(statuses: Mapping[tuple[str, str], int]) -> str:
    values = [str(statuses[c]) for c in COLUMNS]
    parts = [values[0]] + [f"{values[i]} {values[i + 1]}" for i in range(1, 13, 2)] + [values[13]]
    return " | ".join(parts)


def smartwork_apps() -> list[str]:
    return [app.rsplit(".", 1)[-1] for app in settings.INSTALLED_APPS
            if app.startswith("smartwork.")]


def rows_file(app: str) -> str:
    return f"src/smartwork/{app}/tests/authz_rows.py"


def collect(kind: str) -> dict[str, tuple[str, Row]]:
    """Every app's rows of one kind ("API_ROWS" or "PAGE_ROWS"): key -> (app, row)."""
    rows: dict[str, tuple[str, Row]] = {}
    for app in smartwork_apps():
        name = f"smartwork.{app}.tests.authz_rows"
        if importlib.util.find_spec(f"smartwork.{app}.tests") is None \
                or importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        for key, value in getattr(module, kind, {}).items():
            if key in rows:
                raise AssertionError(f"{key} has a row in {rows_file(rows[key][0])} and in "
                                     f"{rows_file(app)}: keep one")
            rows[key] = (app, value)
    return rows


def api_operations() -> dict[str, str]:
    """'METHOD /api/v1/path' -> the app whose router declares it (from operationId)."""
    from smartwork.config.api import api

    doc = api.get_openapi_schema()
    ops: dict[str, str] = {}
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            op_id = op.get("operationId", "")
            match = re.match(r"smartwork_(\w+?)_api_", op_id)
            ops[f"{method.upper()} {path}"] = match.group(1) if match else "?"
    return ops


def page_patterns() -> dict[str, tuple[str, list[str]]]:
    """'namespace:name' -> (the app whose rows declare it, its path parameters), for
    every named URL pattern that serves pages (not the API, the admin or static files).
    Pages live in `web` (and Django's own views are declared there too)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, tuple[str, list[str]]] = {}

    def walk(patterns: Any, namespace: str, params: list[str]) -> None:
        for p in patterns:
            names = list(getattr(p.pattern, "converters", {}) or {})
            if isinstance(p, URLResolver):
                if p.namespace == "admin" or str(p.pattern).startswith("api/"):
                    continue
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns, params + names)
            elif isinstance(p, URLPattern) and p.name:
                module = getattr(p.callback, "__module__", "")
                if "static" in module:
                    continue
                parts = module.split(".")
                app = parts[1] if parts[0] == "smartwork" and len(parts) > 1 else "web"
                found[f"{namespace}{p.name}"] = (app, params + names)

    walk(get_resolver().url_patterns, "", [])
    return found


def missing_message(kind: str, missing: Mapping[str, str], observed: Mapping[str, str]) -> str:
    lines = [f"{len(missing)} {'operation' if kind == 'API_ROWS' else 'page'}(s) without an "
             "authorisation row. Declare the expected answer of every role, in and out of "
             "scope (see src/smartwork/core/tests/authz.py):"]
    for key, app in sorted(missing.items()):
        hint = observed.get(key, "")
        lines.append(f"  {key}\n      -> add to {rows_file(app)} {kind}"
                     + (f"\n      observed now: row(\"{hint}\")" if hint else ""))
    return "\n".join(lines)


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()

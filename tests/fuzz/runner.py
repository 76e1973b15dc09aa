"""schemathesis over the whole OpenAPI document of /api/v1, in process.

Used by `tests/fuzz/test_api_fuzz.py` (bounded, part of the suite) and by
`bench/api_fuzz.py` (longer runs). Every operation the document lists is walked, so
endpoints added later are covered without touching this file. Checks on every answer:

- `not_a_server_error`: no 5xx;
- `response_schema_conformance`: a documented answer matches its schema;
- `error_shape` (below): every 4xx is JSON `{"error": {"code", "message", "fields"}}`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

OPENAPI_PATH = "/api/v1/openapi.json"


class ErrorShapeViolation(AssertionError):
    pass


def error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every answer of 400 or more is the API's one error shape, as JSON."""
    if response.status_code < 400:
        return None
    ctype = response.headers.get("content-type", [""])
    ctype = ctype[0] if isinstance(ctype, list) else ctype
    if not str(ctype).startswith("application/json"):
        raise ErrorShapeViolation(f"{response.status_code} answered as {ctype!r}, not JSON")
    try:
        body = json.loads(response.content or b"null")
    except ValueError as exc:
        raise ErrorShapeViolation(f"{response.status_code} body is not JSON") from exc
    err = body.get("error") if isinstance(body, dict) else None
    if not (isinstance(err, dict) and isinstance(err.get("code"), str)
            and isinstance(err.get("message"), str) and isinstance(err.get("fields"), dict)):
        raise ErrorShapeViolation(f"{response.status_code} body is not the error shape: {body!r:.200}")
    if err["code"] == "value_out_of_range":
        # config/api.py's last guard: the database refused a value no bound stopped, so
        # PostgreSQL and SQLite may answer differently. Bound the field.
        raise ErrorShapeViolation("a value reached the database unbounded (value_out_of_range)")
    return True


CHECKS: list[Callable[..., Any]] = [not_a_server_error, response_schema_conformance, error_shape]


@dataclasses.dataclass
class Failure:
    operation: str
    role: str
    request: str
    status: int | None
    why: str

    def __str__(self) -> str:
        return f"[{self.role}] {self.operation}: {self.status} {self.why}\n    {self.request}"


def load_schema(app: Any) -> Any:
    return schemathesis.openapi.from_wsgi(OPENAPI_PATH, app)


def run(
    app: Any, *, role: str, headers: dict[str, str], max_examples: int = 10,
    path_ids: dict[str, Any] | None = None,
    negative: bool = True, only: str | None = None,
) -> tuple[int, list[Failure]]:
    """Fuzz every operation as `role` (sending `headers`); return (requests, failures).

    `path_ids` maps path parameter names to real ids: half the cases use them, so the
    fuzzer also gets past "not found" into the services."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # As Django's test client does: the requests run inside the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        return _run(app, role=role, headers=headers, max_examples=max_examples,
                    path_ids=path_ids, negative=negative, only=only)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _run(
    app: Any, *, role: str, headers: dict[str, str], max_examples: int,
    path_ids: dict[str, Any] | None, negative: bool, only: str | None,
) -> tuple[int, list[Failure]]:
    schema = load_schema(app)
    failures: list[Failure] = []
    sent = 0
    modes = [schemathesis.GenerationMode.POSITIVE]
    if negative:
        modes.append(schemathesis.GenerationMode.NEGATIVE)
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if only and only not in label:
            continue
        seen: set[str] = set()
        for mode in modes:
            strategy = operation.as_strategy(generation_mode=mode)

            @settings(max_examples=max_examples, deadline=None, database=None,
                      derandomize=True, phases=[Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @given(case=strategy, real=st.booleans())
            def one(case: Any, real: bool) -> None:
                nonlocal sent
                if real and path_ids and case.path_parameters:
                    for name in case.path_parameters:
                        if name in path_ids:
                            case.path_parameters[name] = path_ids[name]
                sent += 1
                response = None
                try:
                    response = case.call(headers=headers)
                    case.validate_response(response, checks=CHECKS)
                except Exception as exc:
                    status = getattr(response, "status_code", None)
                    key = f"{status}:{type(exc).__name__}:{str(exc)[:120]}"
                    if key in seen:
                        return
                    seen.add(key)
                    text = str(exc).strip().splitlines()
                    failures.append(Failure(
                        operation=label, role=role, status=status,
                        request=f"{case.method} {case.formatted_path} query={case.query!r} "
                                f"body={str(case.body)[:300]!r}",
                        why=" | ".join(t for t in text[:6] if t)[:600],
                    ))

            try:
                one()
            except Unsatisfiable:
                pass  # nothing to negate (an operation without parameters)
            except Exception as exc:  # generation itself failed: report, go on
                failures.append(Failure(operation=label, role=role, status=None,
                                        request="-", why=f"generation: {exc!r}"[:300]))
    return sent, failures


def token_for(user: Any) -> str:
    """A Bearer API token for `user` (no audit entry)."""
    import secrets

    from smartwork.accounts.models import ApiToken
    from smartwork.accounts.services import TOKEN_PREFIX, _token_hash

    raw = TOKEN_PREFIX + secrets.token_urlsafe(16)
    ApiToken.objects.create(user=user, name="fuzz", prefix=raw[:10], key_hash=_token_hash(raw))
    return raw


def make_world() -> dict[str, Any]:
    """A network with a centre, a company holding credit, its admin, a member with a
    booking, the operator; and the ids of those rows by path parameter name."""
    from smartwork.accounts.choices import OrganisationKind
    from smartwork.core import testing
    from smartwork.credits.tests.factories import book, buy, workday

    network = testing.make_network(name="Fuzz network")
    centre = testing.make_centre(network=network, name="Fuzz centre")
    company = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network,
                                        legal_name="Fuzz SA")
    operator = testing.make_operator(network)
    admin = testing.make_company_admin(company)
    member = testing.make_user(company=company, network=network, home_lat="50.4674",
                               home_lon="4.8720")
    pool = buy(company, hours=50, actor=operator)
    booking = book(member, centre, on=workday(5))
    resource = centre.resources.order_by("pk").first()
    assert resource is not None
    ids = {"network_id": network.pk, "centre_id": centre.pk, "company_id": company.pk,
           "organisation_id": company.pk, "resource_id": resource.pk, "user_id": member.pk,
           "booking_id": booking.pk, "account_id": pool.pk}
    ids["floor_plan_id"] = _floor_plan(centre, operator, resource).pk
    return {"operator": operator, "company_admin": admin, "member": member, "ids": ids}


def _floor_plan(centre: Any, actor: Any, resource: Any) -> Any:
    """A plan of the centre's ground floor with `resource` placed on it."""
    from smartwork.bookings import floorplans

    plan = floorplans.floorplan_upload(
        actor=actor, centre=centre, name="Ground", level=0,
        data=b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50"/>')
    floorplans.floorplan_place(actor=actor, plan=plan, positions={resource.pk: (10, 20)})
    return plan

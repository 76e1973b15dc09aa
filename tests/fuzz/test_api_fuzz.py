"""schemathesis over the whole API as a member, a company admin and an operator.

Bounded for CI (SMARTWORK_FUZZ_EXAMPLES, default 4 cases per operation and generation
mode, positive and negative); `bench/api_fuzz.py` runs longer. Fails on any 5xx, any
answer that breaks its documented schema, and any error that is not the API's error
shape (tests/fuzz/runner.py). Half the cases use the ids of real rows the role may see,
so that the fuzzer gets past "not found" into the services. The operator's requests
carry a (dead) session cookie, so they go through the site's middleware stack; the
others through the API's lean stack (core/wsgi.py)."""

from __future__ import annotations

import os
import time

import pytest

from tests.fuzz import runner

EXAMPLES = int(os.environ.get("SMARTWORK_FUZZ_EXAMPLES", "4"))


@pytest.fixture
def app():
    from smartwork.core.wsgi import Application

    return Application()


@pytest.mark.parametrize("role", ["member", "company_admin", "operator"])
def test_whole_api_has_no_5xx_and_keeps_its_shapes(role, request, app, db):
    world = runner.make_world()
    user = world[role]
    headers = {"Authorization": f"Bearer {runner.token_for(user)}"}
    if role == "operator":
        headers["Cookie"] = "sessionid=not-a-session"
    started = time.monotonic()
    sent, failures = runner.run(app, role=role, headers=headers, max_examples=EXAMPLES,
                                path_ids=world["ids"])
    # Read by bench/api_fuzz.py.
    print(f"FUZZ role={role} examples={EXAMPLES} requests={sent} failures={len(failures)} "
          f"seconds={time.monotonic() - started:.1f}")
    assert sent > 100
    assert not failures, f"{len(failures)} failures in {sent} requests:\n" + "\n".join(
        str(f) for f in failures)

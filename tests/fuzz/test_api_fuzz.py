"""schemathesis over the whole API as a member, a company admin and an operator.

Bounded for CI (SMARTWORK_FUZZ_EXAMPLES, default 6 cases per operation and mode);
`bench/api_fuzz.py` runs longer. Fails on any 5xx, any answer that breaks its
documented schema, and any error that is not the API's error shape."""

from __future__ import annotations

import os

import pytest

from smartwork.core import testing
from tests.fuzz import runner

EXAMPLES = int(os.environ.get("SMARTWORK_FUZZ_EXAMPLES", "6"))


def _token(user) -> str:
    from smartwork.accounts.models import ApiToken
    from smartwork.accounts.services import TOKEN_PREFIX, _token_hash

    raw = TOKEN_PREFIX + "fuzz" + str(user.pk).rjust(12, "0")
    ApiToken.objects.create(user=user, name="fuzz", prefix=raw[:10], key_hash=_token_hash(raw))
    return raw


@pytest.fixture
def app():
    from smartwork.core.wsgi import Application

    return Application()


@pytest.mark.parametrize("role", ["member", "company_admin", "operator"])
def test_whole_api_has_no_5xx_and_keeps_its_shapes(role, request, app, centre):
    user = request.getfixturevalue(role)
    ids = testing.fuzz_ids(centre=centre, user=user) if hasattr(testing, "fuzz_ids") else {}
    headers = {"Authorization": f"Bearer {_token(user)}"}
    sent, failures = runner.run(app, role=role, headers=headers, max_examples=EXAMPLES,
                                path_ids=ids)
    assert sent > 0
    assert not failures, f"{len(failures)} failures in {sent} requests:\n" + "\n".join(
        str(f) for f in failures)

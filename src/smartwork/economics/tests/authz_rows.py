"""Authorisation rows of the economics app: the answer of each role, in and out of scope, for
the matrix in core/tests/test_authz_matrix.py (the column order and how to write a row:
core/tests/authz.py).

Recorded from the answers observed when the matrix was merged with this app
(security branch); the app's owners review them. A 422 for every signed-in role means
the request body or query was refused before any permission check: give the row a
valid `body=` / `query=` so that it tests the permission itself. A 404 for everyone
means the world (core/tests/authz_world.py) has no such object yet."""

from smartwork.core.tests.authz import row

#                    anon | member   | indep.   | co.admin | recept.  | manager  | operator | super
API_ROWS = {
    "GET /api/v1/economics/centres/{centre_id}":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200"),
    "GET /api/v1/economics/centres/{centre_id}/costs":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200"),
    "POST /api/v1/economics/centres/{centre_id}/costs":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/economics/centres/{centre_id}/export":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 422 403 | 422 403 | 422"),
    "POST /api/v1/economics/costs/{item_id}/versions":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/economics/networks/{network_id}":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200"),
    "GET /api/v1/economics/networks/{network_id}/export":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 422 403 | 422"),
    "POST /api/v1/economics/networks/{network_id}/what-if/closing":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "POST /api/v1/economics/networks/{network_id}/what-if/pricing":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "POST /api/v1/economics/networks/{network_id}/what-if/site":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
}

PAGE_ROWS = {
    "economics:alliances":
        row("302 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 200"),
    "economics:centre":
        row("302 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200"),
    "economics:cost_version":
        row("302 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405"),
    "economics:home":
        row("302 | 403 403 | 403 403 | 403 403 | 403 403 | 302 302 | 302 302 | 302"),
    "economics:network":
        row("302 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 200"),
    "economics:whatif":
        row("302 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 200"),
}

"""Authorisation rows of the network app's API operations (and pages): the answer of each
role, in and out of scope, for the matrix in core/tests/test_authz_matrix.py (the column
order and how to write a row: core/tests/authz.py).

A 422 for every signed-in role means the request body was refused before any
permission check: give the row a valid `body=` to test the permission itself."""

from smartwork.core.tests.authz import row

#                    anon | member   | indep.   | co.admin | recept.  | manager  | operator | super
API_ROWS = {
    "POST /api/v1/alliances/{alliance_id}/status":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/centres":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/centres":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/centres/{centre_id}":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "PATCH /api/v1/centres/{centre_id}":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200"),
    "POST /api/v1/centres/{centre_id}/closures":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "DELETE /api/v1/centres/{centre_id}/closures/{closure_id}":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 204 403 | 204 403 | 204"),
    "PUT /api/v1/centres/{centre_id}/hours":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/centres/{centre_id}/inspections":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200"),
    "POST /api/v1/centres/{centre_id}/inspections":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "POST /api/v1/centres/{centre_id}/label":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/centres/{centre_id}/prices":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/centres/{centre_id}/prices":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/centres/{centre_id}/resources":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/centres/{centre_id}/resources":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/networks":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "GET /api/v1/networks/{network_id}":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "PATCH /api/v1/networks/{network_id}":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200"),
    "GET /api/v1/networks/{network_id}/alliances":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/networks/{network_id}/alliances":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "PATCH /api/v1/resources/{resource_id}":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200"),
}

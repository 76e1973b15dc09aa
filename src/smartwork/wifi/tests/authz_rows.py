"""Authorisation rows of the wifi app's API operations (and pages): the answer of each
role, in and out of scope, for the matrix in core/tests/test_authz_matrix.py (the column
order and how to write a row: core/tests/authz.py).

A 422 for every signed-in role means the request body was refused before any
permission check: give the row a valid `body=` to test the permission itself."""

from smartwork.core.tests.authz import row

#                    anon | member   | indep.   | co.admin | recept.  | manager  | operator | super
API_ROWS = {
    "GET /api/v1/wifi/access-points":
        row("401 | 403 403 | 403 403 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/wifi/access-points":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 201 403 | 201 403 | 201",
            body={'centre_id': '{centre_id}', 'name': 'AP authz', 'address': '10.9.9.9'}),
    "PATCH /api/v1/wifi/access-points/{nas_id}":
        row("401 | 403 403 | 403 403 | 404 404 | 403 404 | 200 404 | 200 404 | 200"),
    "POST /api/v1/wifi/access-points/{nas_id}/secret":
        row("401 | 403 403 | 403 403 | 404 404 | 403 404 | 200 404 | 200 404 | 200"),
    "GET /api/v1/wifi/auth-attempts":
        row("401 | 403 403 | 403 403 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "PATCH /api/v1/wifi/identities/{identity_id}":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 200 404 | 200",
            body={'is_active': True}),
    "GET /api/v1/wifi/me":
        row("401 | 200 200 | 200 200 | 200 200 | 404 404 | 404 404 | 404 404 | 404"),
    "POST /api/v1/wifi/me/password":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/wifi/radius/accounting":
        row("401 | 401 401 | 401 401 | 401 401 | 401 401 | 401 401 | 401 401 | 401"),
    "POST /api/v1/wifi/radius/authenticate":
        row("401 | 401 401 | 401 401 | 401 401 | 401 401 | 401 401 | 401 401 | 401"),
    "POST /api/v1/wifi/radius/authorize":
        row("401 | 401 401 | 401 401 | 401 401 | 401 401 | 401 401 | 401 401 | 401"),
    "GET /api/v1/wifi/rest-tokens":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 200"),
    "POST /api/v1/wifi/rest-tokens":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 201 403 | 201",
            body={'network_id': '{network_id}', 'name': 'authz'}),
    "POST /api/v1/wifi/rest-tokens/{token_id}/revoke":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 404 | 200",
            params={'token_id': 'wifi_token_id'}),
    "GET /api/v1/wifi/sessions":
        row("401 | 403 403 | 403 403 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
}

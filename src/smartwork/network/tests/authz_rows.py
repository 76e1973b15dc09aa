"""Authorisation rows of the network app's API operations (and pages): the answer of each
role, in and out of scope, for the matrix in core/tests/test_authz_matrix.py (the column
order and how to write a row: core/tests/authz.py).

A 422 for every signed-in role means the request body was refused before any
permission check: give the row a valid `body=` to test the permission itself."""

from smartwork.core.tests.authz import row

#                    anon | member   | indep.   | co.admin | recept.  | manager  | operator | super
API_ROWS = {
    "POST /api/v1/alliances/{alliance_id}/status":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 200",
            body={'status': 'ended'}),
    "PUT /api/v1/alliances/{alliance_id}/terms":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 200",
            body={'settlement_period': 'quarterly', 'clearing_hour_rate': '5.00',
                  'open_centre_ids': []}),
    # A demo centre that is not company-hosted: the operator passes the permission and
    # is told it limits nobody (422); the host's admin case is in test_formats.py.
    "POST /api/v1/centres/{centre_id}/visibility":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 422 403 | 422",
            body={'visibility': 'company'}),
    "GET /api/v1/centres":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/centres":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 201 403 | 201",
            body={'network_id': '{network_id}', 'operator_id': '{centre_operator_id}', 'name': 'Authz centre', 'street': 'Rue 1', 'postcode': '5000', 'city': 'Namur', 'lat': '50.4', 'lon': '4.8'}),
    "GET /api/v1/centres/{centre_id}":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "PATCH /api/v1/centres/{centre_id}":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200"),
    "POST /api/v1/centres/{centre_id}/closures":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 201 403 | 201 403 | 201",
            body={'start_date': '2031-01-01', 'end_date': '2031-01-02', 'reason': 'Works'}),
    "DELETE /api/v1/centres/{centre_id}/closures/{closure_id}":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 204 403 | 204 403 | 204"),
    "PUT /api/v1/centres/{centre_id}/hours":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200",
            body={'hours': [{'weekday': 0, 'opens': '08:00', 'closes': '18:00'}]}),
    "GET /api/v1/centres/{centre_id}/inspections":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200"),
    "POST /api/v1/centres/{centre_id}/inspections":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 422 403 | 422",
            body={'visited_on': '2026-01-05', 'inspector_name': 'Authz', 'items': {}}),
    "POST /api/v1/centres/{centre_id}/label":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200",
            body={'status': 'suspended', 'reason': 'Authz'}),
    "GET /api/v1/centres/{centre_id}/prices":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/centres/{centre_id}/prices":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 201 403 | 201 403 | 201",
            body={'resource_kind': 'desk', 'valid_from': '2031-01-01', 'per_half_day': '10.00', 'per_day': '18.00'}),
    "GET /api/v1/centres/{centre_id}/resources":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/centres/{centre_id}/resources":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 201 403 | 201 403 | 201",
            body={'kind': 'desk', 'name': 'Desk authz'}),
    "GET /api/v1/networks":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "GET /api/v1/networks/{network_id}":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "PATCH /api/v1/networks/{network_id}":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200"),
    "GET /api/v1/networks/{network_id}/alliances":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/networks/{network_id}/alliances":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 201 403 | 201",
            body={'other_network_id': '{other_network_id}', 'starts_on': '2031-01-01'}),
    "PATCH /api/v1/resources/{resource_id}":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200"),
}

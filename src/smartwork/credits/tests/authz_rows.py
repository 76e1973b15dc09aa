"""Authorisation rows of the credits app's API operations (and pages): the answer of each
role, in and out of scope, for the matrix in core/tests/test_authz_matrix.py (the column
order and how to write a row: core/tests/authz.py).

A 422 for every signed-in role means the request body was refused before any
permission check: give the row a valid `body=` to test the permission itself."""

from smartwork.core.tests.authz import row

#                    anon | member   | indep.   | co.admin | recept.  | manager  | operator | super
API_ROWS = {
    "POST /api/v1/allotments/{allotment_id}/end":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "GET /api/v1/companies/{company_id}/allotments":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "POST /api/v1/companies/{company_id}/allotments":
        row("401 | 403 403 | 403 403 | 201 403 | 403 403 | 403 403 | 201 403 | 201",
            body={'minutes_per_period': 60, 'member_id': '{user_id}'}),
    "GET /api/v1/companies/{company_id}/credit":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "GET /api/v1/companies/{company_id}/credit-policy":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "PUT /api/v1/companies/{company_id}/credit-policy":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "GET /api/v1/companies/{company_id}/credit-purchases":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "POST /api/v1/companies/{company_id}/credit-purchases":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 422 403 | 422"),
    "GET /api/v1/companies/{company_id}/ledger":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "GET /api/v1/companies/{company_id}/ledger.csv":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "POST /api/v1/credit-accounts/{account_id}/adjustments":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 201 403 | 201",
            body={'minutes': 60, 'note': 'Authz'}),
    "GET /api/v1/me/credit":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "GET /api/v1/me/ledger":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "GET /api/v1/me/membership":
        row("401 | 404 404 | 200 200 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "POST /api/v1/me/membership":
        row("401 | 403 403 | 409 422 | 403 403 | 403 403 | 403 403 | 403 403 | 403",
            body={'plan_id': '{plan_id}'}),
    "POST /api/v1/me/membership/cancel":
        row("401 | 404 404 | 200 200 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "GET /api/v1/networks/{network_id}/credit-packages":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/networks/{network_id}/credit-packages":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 201 403 | 201",
            body={'name': 'Pack authz', 'hours': 10, 'price_net': '50.00'}),
    "GET /api/v1/networks/{network_id}/membership-plans":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/networks/{network_id}/membership-plans":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 201 403 | 201",
            body={'name': 'Plan authz', 'monthly_fee_net': '50.00', 'included_hours': 10}),
    "GET /api/v1/networks/{network_id}/roaming-usage":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200"),
}

"""Authorisation rows of the insights app's API operations (and pages): the answer of each
role, in and out of scope, for the matrix in core/tests/test_authz_matrix.py (the column
order and how to write a row: core/tests/authz.py).

A 422 for every signed-in role means the request body was refused before any
permission check: give the row a valid `body=` to test the permission itself."""

from smartwork.core.tests.authz import row

#                    anon | member   | indep.   | co.admin | recept.  | manager  | operator | super
API_ROWS = {
    "GET /api/v1/insights/attendance":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200",
            query={'period': '{last_month}', 'company': '{company_id}'}),
    "GET /api/v1/insights/attendance/export":
        row("401 | 403 403 | 403 403 | 422 403 | 403 403 | 403 403 | 422 403 | 422",
            query={'period': '{last_month}', 'company': '{company_id}'}),
    "GET /api/v1/insights/attendance/me":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200",
            query={'period': '{last_month}'}),
    "GET /api/v1/insights/attendance/me/export":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422",
            query={'period': '{last_month}'}),
    "GET /api/v1/insights/commute":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200",
            query={'period': '{last_month}', 'company': '{company_id}'}),
    "GET /api/v1/insights/commute/export":
        row("401 | 403 403 | 403 403 | 422 403 | 403 403 | 403 403 | 422 403 | 422",
            query={'period': '{last_month}', 'company': '{company_id}'}),
    "GET /api/v1/insights/commute/me":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200",
            query={'period': '{last_month}'}),
    "GET /api/v1/insights/commute/report.pdf":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200",
            query={'period': '{last_month}', 'company': '{company_id}'}),
    "GET /api/v1/insights/factors":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "GET /api/v1/insights/occupancy":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422",
            query={'period': '{last_month}', 'company': '{company_id}'}),
    "GET /api/v1/insights/occupancy/export":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422",
            query={'period': '{last_month}', 'company': '{company_id}'}),
    "POST /api/v1/insights/placement":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200",
            body={'network_id': '{network_id}', 'k': 1, 'time_limit_s': 1}),
    "POST /api/v1/insights/placement/export":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 422 403 | 422",
            body={'network_id': '{network_id}', 'k': 1, 'time_limit_s': 1}),
}

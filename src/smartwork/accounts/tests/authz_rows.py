"""Authorisation rows of the accounts app's API operations (and pages): the answer of each
role, in and out of scope, for the matrix in core/tests/test_authz_matrix.py (the column
order and how to write a row: core/tests/authz.py).

A 422 for every signed-in role means the request body was refused before any
permission check: give the row a valid `body=` to test the permission itself."""

from smartwork.core.tests.authz import row

#                    anon | member   | indep.   | co.admin | recept.  | manager  | operator | super
API_ROWS = {
    "GET /api/v1/companies/{company_id}/invitations":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "POST /api/v1/companies/{company_id}/invitations":
        row("401 | 403 403 | 403 403 | 201 403 | 403 403 | 403 403 | 201 403 | 201",
            body={'email': 'new.person@example.org'}),
    "GET /api/v1/companies/{company_id}/staff":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "POST /api/v1/companies/{company_id}/staff/import":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "POST /api/v1/companies/{company_id}/staff/{user_id}/deactivate":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "GET /api/v1/companies/{company_id}/teams":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "POST /api/v1/companies/{company_id}/teams":
        row("401 | 403 403 | 403 403 | 201 403 | 403 403 | 403 403 | 201 403 | 201",
            body={'name': 'Team authz'}),
    "POST /api/v1/companies/{company_id}/teams/{team_id}/members":
        row("401 | 403 403 | 403 403 | 204 403 | 403 403 | 403 403 | 204 403 | 204",
            body={'user_id': '{user_id}'}),
    "DELETE /api/v1/companies/{company_id}/teams/{team_id}/members/{user_id}":
        row("401 | 403 403 | 403 403 | 204 403 | 403 403 | 403 403 | 204 403 | 204"),
    "POST /api/v1/invitations/accept":
        row("422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422",
            body={'token': 'not-a-valid-token'}),
    "GET /api/v1/me":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "PATCH /api/v1/me":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "PUT /api/v1/me/home":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200",
            body={"address": "5000 Namur"}),
    "GET /api/v1/me/tokens":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/me/tokens":
        row("401 | 201 201 | 201 201 | 201 201 | 201 201 | 201 201 | 201 201 | 201",
            body={'name': 'authz'}),
    "DELETE /api/v1/me/tokens/{token_id}":
        row("401 | 204 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "GET /api/v1/organisations":
        row("401 | 403 403 | 403 403 | 200 200 | 403 403 | 403 403 | 200 200 | 200"),
    "POST /api/v1/organisations":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 201 403 | 201",
            body={'legal_name': 'Authz SA', 'kind': 'company', 'network_id': '{network_id}'}),
    "GET /api/v1/organisations/{organisation_id}":
        row("401 | 403 403 | 403 403 | 200 404 | 403 403 | 403 403 | 200 404 | 200"),
    "PATCH /api/v1/organisations/{organisation_id}":
        row("401 | 403 403 | 403 403 | 403 404 | 403 403 | 403 403 | 200 404 | 200"),
    "POST /api/v1/organisations/{organisation_id}/payout-changes":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 409 404 | 403 404 | 409",
            params={'organisation_id': 'centre_operator_id'},
            body={'iban': 'BE71096123456769'}),
    "GET /api/v1/payout-changes":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 200 200 | 200"),
    "POST /api/v1/payout-changes/{change_id}/approve":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 404 | 200 404 | 200"),
    "POST /api/v1/payout-changes/{change_id}/reject":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 404 | 200 404 | 200"),
    "GET /api/v1/roles":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 200"),
    "POST /api/v1/roles":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 201 403 | 201",
            body={'user_email': '{member_email}', 'role': 'receptionist', 'centre_id': '{centre_id}'}),
    "DELETE /api/v1/roles/{assignment_id}":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 204 404 | 204"),
    "GET /api/v1/companies/{company_id}/tokens":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "DELETE /api/v1/companies/{company_id}/tokens/{token_id}":
        row("401 | 403 403 | 403 403 | 204 403 | 403 403 | 403 403 | 204 403 | 204"),
    "POST /api/v1/companies/{company_id}/invitations/{invitation_id}/resend":
        row("401 | 403 403 | 403 403 | 404 403 | 403 403 | 403 403 | 404 403 | 404"),
}

"""Authorisation rows of the billing app's API operations (and pages): the answer of each
role, in and out of scope, for the matrix in core/tests/test_authz_matrix.py (the column
order and how to write a row: core/tests/authz.py).

A 422 for every signed-in role means the request body was refused before any
permission check: give the row a valid `body=` to test the permission itself."""

from smartwork.core.tests.authz import row

#                    anon | member   | indep.   | co.admin | recept.  | manager  | operator | super
API_ROWS = {
    "POST /api/v1/centres/{centre_id}/walk-ins":
        row("401 | 403 403 | 403 403 | 403 403 | 422 403 | 422 403 | 422 403 | 422",
            body={"email": "matrix.guest@example.org", "last_name": "Guest",
                  "paid_by": "nobody"},
            note="an unknown payer, refused after the permission: the row does not depend "
                 "on the hour (a real walk-in books today)"),
    "GET /api/v1/clearings":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 200"),
    "GET /api/v1/invoice-runs/{run_id}":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 200 404 | 200"),
    "GET /api/v1/invoices":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/invoices":
        row("401 | 403 403 | 403 404 | 403 403 | 403 403 | 403 403 | 201 404 | 201",
            body={'network_id': '{network_id}', 'customer_organisation_id': '{company_id}', 'lines': [{'description': 'Desk', 'quantity': '1', 'unit_price': '25.00', 'vat_rate': '21.00'}]}),
    "DELETE /api/v1/invoices/{invoice_id}":
        row("401 | 404 404 | 404 404 | 403 404 | 404 404 | 404 404 | 409 404 | 409"),
    "GET /api/v1/invoices/{invoice_id}":
        row("401 | 404 404 | 404 404 | 200 404 | 404 404 | 404 404 | 200 404 | 200"),
    "PATCH /api/v1/invoices/{invoice_id}":
        row("401 | 404 404 | 404 404 | 403 404 | 404 404 | 404 404 | 409 404 | 409"),
    "POST /api/v1/invoices/{invoice_id}/credit-notes":
        row("401 | 404 404 | 404 404 | 403 404 | 404 404 | 404 404 | 201 404 | 201"),
    "POST /api/v1/invoices/{invoice_id}/issue":
        row("401 | 404 404 | 404 404 | 403 404 | 404 404 | 404 404 | 409 404 | 409"),
    "POST /api/v1/invoices/{invoice_id}/payments":
        row("401 | 404 404 | 404 404 | 403 404 | 404 404 | 404 404 | 201 404 | 201",
            body={'amount': '10.00', 'value_date': '2026-01-05'}),
    "GET /api/v1/invoices/{invoice_id}/pdf":
        row("401 | 404 404 | 404 404 | 200 404 | 404 404 | 404 404 | 200 404 | 200"),
    "GET /api/v1/invoices/{invoice_id}/ubl":
        row("401 | 404 404 | 404 404 | 200 404 | 404 404 | 404 404 | 200 404 | 200"),
    "POST /api/v1/networks/{network_id}/bank-statements":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/networks/{network_id}/books":
        row("401 | 403 403 | 403 404 | 403 403 | 403 403 | 403 403 | 200 404 | 200",
            query={'period': '{last_month}'}),
    "POST /api/v1/networks/{network_id}/clearings":
        row("401 | 403 403 | 403 404 | 403 403 | 403 403 | 403 403 | 201 404 | 201",
            body={'period': '{last_month}'}),
    "POST /api/v1/networks/{network_id}/invoice-runs":
        row("401 | 403 403 | 403 404 | 403 403 | 403 403 | 403 403 | 202 404 | 202",
            body={'period': '{last_month}'}),
    "POST /api/v1/networks/{network_id}/payouts":
        row("401 | 403 403 | 403 404 | 403 403 | 403 403 | 403 403 | 409 404 | 409",
            body={'period': '{last_month}'}),
    "POST /api/v1/networks/{network_id}/settlements":
        row("401 | 403 403 | 403 404 | 403 403 | 403 403 | 403 403 | 201 404 | 201",
            body={'period': '{last_month}'}),
    "GET /api/v1/payments":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 200"),
    "POST /api/v1/payments/{payment_id}/assign":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404",
            body={'invoice_id': '{invoice_id}'}),
    "GET /api/v1/payouts/{batch_id}/xml":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "GET /api/v1/settlements":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 200 200 | 200"),
    "GET /api/v1/settlements/{settlement_id}":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "POST /api/v1/settlements/approve":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404",
            body={"ids": [987654]},
            note="the world has no settlement: an unknown id is 404 for everyone, as one "
                 "by one; the rights are tested in test_settlements_approve.py"),
    "POST /api/v1/settlements/{settlement_id}/approve":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "GET /api/v1/settlements/{settlement_id}/pdf":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "GET /api/v1/deliveries":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 200"),
    "POST /api/v1/deliveries/{delivery_id}/retry":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "POST /api/v1/invoices/{invoice_id}/deliver":
        row("401 | 404 404 | 404 404 | 403 404 | 404 404 | 404 404 | 202 404 | 202"),
    "GET /api/v1/me/billing-profile":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "PUT /api/v1/me/billing-profile":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "PUT /api/v1/organisations/{organisation_id}/billing-profile":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 200 404 | 200"),
    "GET /api/v1/settlements/{settlement_id}/ubl":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
}

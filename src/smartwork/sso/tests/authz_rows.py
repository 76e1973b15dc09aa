"""Authorisation rows of company single sign-on (API and pages): only the company's own
admin (and the superuser) reads and changes its identity provider; the login routes
answer everyone with a redirect (to the provider or back to the login page)."""

from smartwork.core.tests.authz import row

_BODY = {"issuer": "https://idp.authz.example", "client_id": "smartwork",
         "client_secret": "authz-secret", "domains": ["authz.example"]}

#                    anon | member   | indep.   | co.admin | recept.  | manager  | operator | super
API_ROWS = {
    "GET /api/v1/companies/{company_id}/sso":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 403 403 | 200"),
    "PUT /api/v1/companies/{company_id}/sso":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 403 403 | 200", body=_BODY),
    "DELETE /api/v1/companies/{company_id}/sso":
        row("401 | 403 403 | 403 403 | 204 403 | 403 403 | 403 403 | 403 403 | 204"),
}

PAGE_ROWS = {
    "sso:start":
        row("302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302"),
    "sso:callback":
        row("302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302"),
    "sso:company":
        row("302 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 403 403 | 200"),
}

"""Authorisation rows of the two-factor login's API operations and pages (the column
order and how to write a row: core/tests/authz.py).

The steps of the login (`twofactor:verify`, `twofactor:enrol`, the passkey answers)
serve only the session between the password and the second factor: every other
visitor is sent back to the login page."""

from smartwork.core.tests.authz import row

#                    anon | member   | indep.   | co.admin | recept.  | manager  | operator | super
API_ROWS = {
    "GET /api/v1/me/two-factor":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "GET /api/v1/networks/{network_id}/two-factor-policy":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200"),
    "PUT /api/v1/networks/{network_id}/two-factor-policy":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200",
            body={"staff_required": True, "grace_until": "2030-01-31"}),
    "GET /api/v1/companies/{company_id}/two-factor-policy":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "PUT /api/v1/companies/{company_id}/two-factor-policy":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200",
            body={"staff_required": True}),
}
PAGE_ROWS = {
    "twofactor:company_policy":
        row("302 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "twofactor:enrol":
        row("302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302"),
    "twofactor:enrol_later":
        row("405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405"),
    "twofactor:network_policy":
        row("302 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200"),
    "twofactor:new_codes":
        row("302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302", note="no new codes in the session: back to the security settings"),
    "twofactor:passkey_add":
        row("302 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405"),
    "twofactor:passkey_options":
        row("302 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405"),
    "twofactor:passkey_remove":
        row("302 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405"),
    "twofactor:recovery_codes":
        row("302 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405"),
    "twofactor:security":
        row("302 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "twofactor:totp_remove":
        row("302 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405"),
    "twofactor:totp_setup":
        row("302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302", note="with no set-up under way: back to the security settings"),
    "twofactor:totp_start":
        row("302 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405"),
    "twofactor:verify":
        row("302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302 302 | 302"),
    "twofactor:verify_passkey":
        row("405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405"),
    "twofactor:verify_passkey_options":
        row("405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405"),
}

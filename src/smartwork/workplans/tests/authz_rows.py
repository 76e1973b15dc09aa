"""Authorisation rows of the workplans app: the answer of each role, in and out of scope, for
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
    "GET /api/v1/workplans/companies/{company_id}/activities":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 403 403 | 200"),
    "POST /api/v1/workplans/companies/{company_id}/activities":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/workplans/companies/{company_id}/analysis":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 403 403 | 200"),
    "GET /api/v1/workplans/companies/{company_id}/equipment":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 403 403 | 200"),
    "POST /api/v1/workplans/companies/{company_id}/equipment":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/workplans/companies/{company_id}/equipment/leavers":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 403 403 | 200"),
    "GET /api/v1/workplans/companies/{company_id}/policies":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 403 403 | 200"),
    "POST /api/v1/workplans/companies/{company_id}/policies":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/workplans/companies/{company_id}/week":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 403 403 | 200"),
    "POST /api/v1/workplans/equipment/loans/{loan_id}/return":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "POST /api/v1/workplans/equipment/{item_id}/hand-out":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/workplans/me/activities":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "PUT /api/v1/workplans/me/activities/{activity_id}":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "PUT /api/v1/workplans/me/days/{day}":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/workplans/me/equipment":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/workplans/me/equipment/{loan_id}/acknowledge":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "PUT /api/v1/workplans/me/plan-settings":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/workplans/me/policy":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "GET /api/v1/workplans/me/week":
        row("401 | 200 200 | 403 403 | 200 200 | 403 403 | 403 403 | 403 403 | 403"),
    "POST /api/v1/workplans/policies/{version_id}/acknowledge":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "GET /api/v1/workplans/policies/{version_id}/acknowledgements":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "POST /api/v1/workplans/teams/{team_id}/adopt-analysis":
        row("401 | 403 403 | 403 403 | 201 403 | 403 403 | 403 403 | 403 403 | 201"),
    "POST /api/v1/workplans/teams/{team_id}/leads":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "POST /api/v1/workplans/teams/{team_id}/team-days":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/workplans/teams/{team_id}/week":
        row("401 | 200 404 | 404 404 | 200 404 | 404 404 | 404 404 | 404 404 | 200"),
}

PAGE_ROWS = {
    "workplans:company_analysis":
        row("302 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 403 403 | 200"),
    "workplans:company_equipment":
        row("302 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 403 403 | 200"),
    "workplans:company_home":
        row("302 | 404 404 | 404 404 | 302 302 | 404 404 | 404 404 | 404 404 | 404"),
    "workplans:company_policy":
        row("302 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 403 403 | 200"),
    "workplans:company_week":
        row("302 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 403 403 | 200"),
    "workplans:feed":
        row("404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "workplans:my_activities":
        row("302 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "workplans:my_equipment":
        row("302 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "workplans:my_policy":
        row("302 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "workplans:my_week":
        row("302 | 200 200 | 403 403 | 200 200 | 403 403 | 403 403 | 403 403 | 403"),
    "workplans:policy_acknowledgements":
        row("302 | 403 403 | 403 403 | 404 403 | 403 403 | 403 403 | 403 403 | 404"),
    "workplans:team_week":
        row("302 | 200 404 | 404 404 | 200 404 | 404 404 | 404 404 | 404 404 | 200"),
    "workplans:teams":
        row("302 | 302 302 | 200 200 | 200 302 | 200 200 | 200 200 | 200 200 | 200",
            note="one team: redirected to its week; otherwise the list (empty for no team)"),
}

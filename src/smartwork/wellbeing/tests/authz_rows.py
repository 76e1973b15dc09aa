"""Authorisation rows of the wellbeing app: the answer of each role, in and out of scope, for
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
    "GET /api/v1/wellbeing/campaigns":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "POST /api/v1/wellbeing/campaigns":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "POST /api/v1/wellbeing/campaigns/{campaign_id}/modules/{module_id}/complete":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "GET /api/v1/wellbeing/campaigns/{campaign_id}/progress":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "GET /api/v1/wellbeing/evaluation":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/wellbeing/evaluation/export":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/wellbeing/evaluation/pdf":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "PUT /api/v1/wellbeing/head-office":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/wellbeing/indicators":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "PUT /api/v1/wellbeing/indicators/{key}":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/wellbeing/questions":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "POST /api/v1/wellbeing/questions":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "PUT /api/v1/wellbeing/questions/{question_id}":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/wellbeing/legal":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/wellbeing/legal":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/wellbeing/me/isolation":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "GET /api/v1/wellbeing/me/modules":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "GET /api/v1/wellbeing/me/results":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "GET /api/v1/wellbeing/me/surveys":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "GET /api/v1/wellbeing/measured":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/wellbeing/modules":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "POST /api/v1/wellbeing/modules":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/wellbeing/network-evaluation":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/wellbeing/network-evaluation/export":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "POST /api/v1/wellbeing/network/{network_id}/library/seed":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200"),
    "GET /api/v1/wellbeing/network/{network_id}/results":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200"),
    "GET /api/v1/wellbeing/network/{network_id}/results/export":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200"),
    "POST /api/v1/wellbeing/objectives":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/wellbeing/policy-document":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/wellbeing/results":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/wellbeing/results/export":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "PUT /api/v1/wellbeing/schedule":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/wellbeing/surveys":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "POST /api/v1/wellbeing/surveys":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "POST /api/v1/wellbeing/surveys/{survey_id}/answers":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
}

PAGE_ROWS = {
    "wellbeing:campaigns":
        row("302 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "wellbeing:company":
        row("302 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "wellbeing:questions":
        row("302 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "wellbeing:objectives":
        row("302 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "wellbeing:evaluation":
        row("302 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "wellbeing:home":
        row("302 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "wellbeing:legal":
        row("302 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "wellbeing:library":
        row("302 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 200"),
    "wellbeing:module":
        row("302 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "wellbeing:network":
        row("302 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 200"),
    "wellbeing:network_evaluation":
        row("302 | 403 403 | 403 403 | 403 403 | 403 403 | 403 403 | 200 200 | 200"),
    "wellbeing:policy_document":
        row("302 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "wellbeing:survey_answer":
        row("302 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
}

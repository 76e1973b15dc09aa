"""Authorisation rows of the community app (issue 21 §5): the answer of each role, in and
out of scope, for the matrix in core/tests/test_authz_matrix.py (column order and how to
write a row: core/tests/authz.py).

The world's objects come from the demo (core/tests/authz_world.py `_community_ids`): the
first event at Namur and a registration for it; the demo's message, written by the
network's independent member ("independent in") to a member who is no role of the
matrix, so no company admin, manager or operator reads it (404); the first member listed
in the directory (Walloon network: the other network and the superuser, who belongs to
none, do not see them). Writing needs to be listed oneself: only the demo's independent
is (403 for the others). The superuser is no member of a network: no registration (403).
POST-only pages answer 405 to the matrix's GET."""

from smartwork.core.tests.authz import row

ALL = "401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"
PAGE = "302 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"
POST_ONLY = "302 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405 405 | 405"

#                    anon | member   | indep.   | co.admin | recept.  | manager  | operator | super
API_ROWS = {
    "GET /api/v1/community/profile": row(ALL),
    "PUT /api/v1/community/profile": row(ALL, body={"listed": False}),
    "GET /api/v1/community/members": row(ALL),
    "GET /api/v1/community/members/{member_id}":
        row("401 | 200 200 | 200 404 | 200 200 | 200 200 | 200 200 | 200 404 | 404"),
    "GET /api/v1/community/messages": row(ALL),
    "POST /api/v1/community/messages":
        row("401 | 403 403 | 201 403 | 403 403 | 403 403 | 403 403 | 403 403 | 403",
            body={"recipient_id": "{member_id}", "body": "Bonjour"}),
    "GET /api/v1/community/messages/{message_id}":
        row("401 | 404 404 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "POST /api/v1/community/blocks":
        row("401 | 201 201 | 201 404 | 201 201 | 201 201 | 201 201 | 201 404 | 404",
            body={"member_id": "{member_id}"}),
    "DELETE /api/v1/community/blocks/{member_id}":
        row("401 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "GET /api/v1/community/events": row(ALL),
    "POST /api/v1/community/events":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 201 403 | 201 403 | 201", body={
            "centre_id": "{centre_id}", "title": "Authz", "date": "{future_monday}",
            "start_time": "10:00", "end_time": "11:00", "capacity": 5}),
    "GET /api/v1/community/events/{event_id}": row(ALL),
    "POST /api/v1/community/events/{event_id}/cancel":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200"),
    "POST /api/v1/community/events/{event_id}/registration":
        row("401 | 201 201 | 201 201 | 201 201 | 201 201 | 201 201 | 201 201 | 403"),
    "DELETE /api/v1/community/events/{event_id}/registration":
        row("401 | 404 404 | 204 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "GET /api/v1/community/events/{event_id}/registrations":
        row("401 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200 403 | 200"),
    "POST /api/v1/community/registrations/{registration_id}/check-in":
        row("401 | 404 404 | 404 404 | 404 404 | 409 404 | 409 404 | 409 404 | 409",
            note="409: the demo's event is not today (check-in is on the event's day)"),
}

PAGE_ROWS = {
    "community:home": row(PAGE),
    "community:profile": row(PAGE),
    "community:directory": row(PAGE),
    "community:member":
        row("302 | 200 200 | 200 404 | 200 200 | 200 200 | 200 200 | 200 404 | 404"),
    "community:inbox": row(PAGE),
    "community:message":
        row("302 | 404 404 | 200 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "community:block": row(POST_ONLY),
    "community:event": row(PAGE),
    "community:event_register": row(POST_ONLY),
    "community:event_unregister": row(POST_ONLY),
    "community:event_cancel": row(POST_ONLY),
    "community:staff":
        row("302 | 403 403 | 403 403 | 403 403 | 403 403 | 302 302 | 200 200 | 200"),
    "community:centre_events":
        row("302 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200"),
    "community:desk":
        row("302 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200 403 | 200"),
    "community:desk_check_in": row(POST_ONLY),
}

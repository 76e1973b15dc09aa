"""Authorisation rows of the bookings app's API operations (and pages): the answer of each
role, in and out of scope, for the matrix in core/tests/test_authz_matrix.py (the column
order and how to write a row: core/tests/authz.py).

A 422 for every signed-in role means the request body was refused before any
permission check: give the row a valid `body=` to test the permission itself."""

from smartwork.core.tests.authz import row

#                    anon | member   | indep.   | co.admin | recept.  | manager  | operator | super
API_ROWS = {
    "GET /api/v1/availability/desks":
        row("401 | 200 200 | 200 200 | 200 200 | 422 422 | 422 422 | 422 422 | 422",
            query={'date': '{future_monday}', 'slot': 'morning'}),
    "GET /api/v1/availability/rooms":
        row("401 | 200 200 | 200 200 | 200 200 | 422 422 | 422 422 | 422 422 | 422",
            query={'date': '{future_monday}', 'start_time': '10:00', 'end_time': '11:00'}),
    "POST /api/v1/booking-series":
        row("401 | 201 201 | 201 201 | 201 201 | 201 201 | 201 201 | 201 201 | 403",
            body={'centre_id': '{centre_id}', 'slot': 'morning', 'weekly_from': '{future_monday}', 'weeks': 2}),
    "GET /api/v1/booking-series/{series_id}":
        row("401 | 404 404 | 404 404 | 200 404 | 200 404 | 200 404 | 200 404 | 200"),
    "POST /api/v1/booking-series/{series_id}/cancel":
        row("401 | 404 404 | 404 404 | 200 404 | 200 404 | 200 404 | 200 404 | 200"),
    "GET /api/v1/bookings":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/bookings":
        row("401 | 201 201 | 201 201 | 201 201 | 201 201 | 201 201 | 201 201 | 403",
            body={'centre_id': '{centre_id}', 'date': '{future_monday}', 'slot': 'morning'}),
    "GET /api/v1/bookings/{booking_id}":
        row("401 | 200 404 | 404 404 | 200 404 | 200 404 | 200 404 | 200 404 | 200"),
    "POST /api/v1/bookings/{booking_id}/approve":
        row("401 | 403 404 | 404 404 | 409 404 | 403 404 | 403 404 | 409 404 | 409"),
    "GET /api/v1/bookings/{booking_id}/calendar.ics":
        row("401 | 200 404 | 404 404 | 200 404 | 200 404 | 200 404 | 200 404 | 200"),
    "POST /api/v1/bookings/{booking_id}/cancel":
        row("401 | 409 404 | 404 404 | 409 404 | 409 404 | 409 404 | 409 404 | 409"),
    "POST /api/v1/bookings/{booking_id}/check-in":
        row("401 | 403 404 | 404 404 | 403 404 | 409 404 | 409 404 | 409 404 | 409"),
    "POST /api/v1/bookings/{booking_id}/move":
        row("401 | 422 404 | 404 404 | 422 404 | 422 404 | 422 404 | 422 404 | 422"),
    "POST /api/v1/bookings/{booking_id}/reject":
        row("401 | 403 404 | 404 404 | 409 404 | 403 404 | 403 404 | 409 404 | 409",
            body={'reason': 'No'}),
    "GET /api/v1/calendar/{token}.ics":
        row("404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404 404 | 404"),
    "GET /api/v1/centres/{centre_id}/arrivals":
        row("401 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200 403 | 200"),
    "GET /api/v1/centres/{centre_id}/availability":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200",
            query={'date': '{future_monday}'}),
    "GET /api/v1/centres/{centre_id}/check-in-code":
        row("401 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200 403 | 200"),
    "POST /api/v1/check-in/qr":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422",
            body={'token': 'not-a-valid-token'}),
    "POST /api/v1/check-in/qr/{token}":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422"),
    "GET /api/v1/companies/{company_id}/approvals":
        row("401 | 403 403 | 403 403 | 200 403 | 403 403 | 403 403 | 200 403 | 200"),
    "GET /api/v1/me/calendar":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/me/calendar/reset":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
}

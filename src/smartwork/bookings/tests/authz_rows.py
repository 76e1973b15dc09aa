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
    # Floor plans (api_floorplans.py): the Namur centre is labelled, so everyone signed
    # in reads its plans; changes are `centre.resources`. The uploads are multipart: the
    # matrix sends no file, so those allowed get 422 (no image) after the permission check.
    "GET /api/v1/centres/{centre_id}/floor-plans":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/centres/{centre_id}/floor-plans":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 422 403 | 422 403 | 422",
            note="no file: 422 invalid_floor_plan once allowed"),
    "GET /api/v1/floor-plans/{floor_plan_id}":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "DELETE /api/v1/floor-plans/{floor_plan_id}":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 204 403 | 204 403 | 204"),
    "GET /api/v1/floor-plans/{floor_plan_id}/availability":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200",
            query={'date': '{future_monday}', 'slot': 'morning'}),
    "GET /api/v1/floor-plans/{floor_plan_id}/image":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/floor-plans/{floor_plan_id}/image":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 422 403 | 422 403 | 422",
            note="no file: 422 invalid_floor_plan once allowed"),
    "PUT /api/v1/floor-plans/{floor_plan_id}/places/{resource_id}":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200",
            body={'x': 12.5, 'y': 40}),
    "DELETE /api/v1/floor-plans/{floor_plan_id}/places/{resource_id}":
        row("401 | 403 403 | 403 403 | 403 403 | 403 403 | 200 403 | 200 403 | 200"),
    # Reminders (api_reminders.py): one's own choice.
    "GET /api/v1/me/reminders":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "PUT /api/v1/me/reminders":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200",
            body={'when': 'both'}),
    # Favourites are one's own: nobody reads another's (tests/test_api_favourites.py).
    # Marking a centre needs to be able to book it: the superuser has no network (404).
    # Colleagues (api_colleagues.py): a company's employees (its admin too) see those of
    # their own company who allow it; anyone without a company is 403 not_employee.
    "GET /api/v1/centres/{centre_id}/colleagues":
        row("401 | 200 200 | 403 403 | 200 200 | 403 403 | 403 403 | 403 403 | 403",
            query={'on': '{future_monday}'}),
    "GET /api/v1/me/favourites":
        row("401 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200 200 | 200"),
    "POST /api/v1/me/favourites":
        row("401 | 201 201 | 201 201 | 201 201 | 201 201 | 201 201 | 201 201 | 404",
            body={'centre_id': '{centre_id}'}),
    "DELETE /api/v1/me/favourites":
        row("401 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422 422 | 422",
            note="no centre_id nor resource_id: 422 favourite_target for everyone"),
}

from django.urls import path

from smartwork.web.views import account, bookings, centres, frontdesk, home, operator, staff

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    # Account
    path("login/", account.LoginView.as_view(), name="login"),
    path("logout/", account.LogoutView.as_view(), name="logout"),
    path("password-reset/", account.password_reset, name="password_reset"),
    path("password-reset/sent/", account.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", account.password_reset_confirm,
         name="password_reset_confirm"),
    path("password-reset/done/", account.password_reset_complete,
         name="password_reset_complete"),
    path("language/", account.set_language, name="set_language"),
    path("profile/", account.profile, name="profile"),
    # Member: find a centre
    path("centres/", centres.centre_finder, name="centre_finder"),
    path("centres/<slug:slug>/", centres.centre_detail, name="centre_detail"),
    # Member: bookings and check-in
    path("book/", bookings.book, name="book"),
    path("bookings/", bookings.my_bookings, name="my_bookings"),
    path("bookings/<int:booking_id>/cancel/", bookings.booking_cancel, name="booking_cancel"),
    path("bookings/<int:booking_id>/change/", bookings.booking_change, name="booking_change"),
    path("bookings/<int:booking_id>/calendar.ics", bookings.booking_calendar,
         name="booking_calendar"),
    path("bookings/feed/reset/", bookings.calendar_feed_reset, name="calendar_feed_reset"),
    path("check-in/<str:token>/", bookings.check_in, name="check_in"),
    # Front desk
    path("desk/", frontdesk.front_desk, name="front_desk"),
    path("desk/<int:centre_id>/", frontdesk.desk_today, name="desk_today"),
    path("desk/<int:centre_id>/check-in/<int:booking_id>/", frontdesk.desk_check_in,
         name="desk_check_in"),
    path("desk/<int:centre_id>/walk-in/", frontdesk.desk_walk_in, name="desk_walk_in"),
    path("desk/<int:centre_id>/week/", frontdesk.desk_week, name="desk_week"),
    path("desk/<int:centre_id>/qr/", frontdesk.desk_qr, name="desk_qr"),
    # Centre staff and operator: centres
    path("staff/centres/", staff.staff_centres, name="staff_centres"),
    path("staff/centres/new/", staff.centre_create, name="centre_create"),
    path("staff/centres/<int:centre_id>/", staff.staff_centre_overview, name="staff_centre"),
    path("staff/centres/<int:centre_id>/edit/", staff.centre_edit, name="centre_edit"),
    path("staff/centres/<int:centre_id>/label/", staff.centre_label, name="centre_label"),
    path("staff/centres/<int:centre_id>/resources/", staff.centre_resources,
         name="centre_resources"),
    path("staff/centres/<int:centre_id>/resources/<int:resource_id>/", staff.resource_edit,
         name="resource_edit"),
    path("staff/centres/<int:centre_id>/prices/", staff.centre_prices, name="centre_prices"),
    path("staff/centres/<int:centre_id>/hours/", staff.centre_hours, name="centre_hours"),
    path("staff/centres/<int:centre_id>/closures/<int:closure_id>/remove/",
         staff.closure_remove, name="closure_remove"),
    # Operator
    path("network/", operator.operator_home, name="operator_home"),
    path("network/organisations/", operator.organisations, name="organisations"),
    path("network/organisations/new/", operator.organisation_form, name="organisation_create"),
    path("network/organisations/<int:organisation_id>/", operator.organisation_form,
         name="organisation_edit"),
    path("network/roles/", operator.roles, name="roles"),
    path("network/roles/<int:assignment_id>/revoke/", operator.role_revoke, name="role_revoke"),
]

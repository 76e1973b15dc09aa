from django.urls import path

from smartwork.community import views

app_name = "community"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("members/", views.directory, name="directory"),
    path("members/<int:member_id>/", views.member, name="member"),
    path("messages/", views.inbox, name="inbox"),
    path("messages/<int:message_id>/", views.message, name="message"),
    path("blocks/<int:member_id>/", views.block, name="block"),
    path("events/<int:event_id>/", views.event, name="event"),
    path("events/<int:event_id>/register/", views.event_register, name="event_register"),
    path("events/<int:event_id>/unregister/", views.event_unregister, name="event_unregister"),
    path("events/<int:event_id>/cancel/", views.event_cancel, name="event_cancel"),
    path("staff/", views.staff, name="staff"),
    path("staff/centres/<int:centre_id>/", views.centre_events, name="centre_events"),
    path("desk/<int:centre_id>/", views.desk, name="desk"),
    path("desk/<int:centre_id>/check-in/<int:registration_id>/", views.desk_check_in,
         name="desk_check_in"),
]

from django.urls import path

from smartwork.workplans import views

app_name = "workplans"

urlpatterns = [
    path("week/", views.my_week, name="my_week"),
    path("policy/", views.my_policy, name="my_policy"),
    path("activities/", views.my_activities, name="my_activities"),
    path("equipment/", views.my_equipment, name="my_equipment"),
    path("feed/<str:token>.ics", views.plan_feed, name="feed"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:team_id>/", views.team_week, name="team_week"),
    path("company/", views.company_home, name="company_home"),
    path("company/<int:company_id>/policy/", views.company_policy, name="company_policy"),
    path("company/<int:company_id>/policy/<int:version_id>/acknowledgements/",
         views.policy_acknowledgements, name="policy_acknowledgements"),
    path("company/<int:company_id>/week/", views.company_week, name="company_week"),
    path("company/<int:company_id>/analysis/", views.company_analysis, name="company_analysis"),
    path("company/<int:company_id>/equipment/", views.company_equipment,
         name="company_equipment"),
]

from django.urls import path

from smartwork.wellbeing import views

app_name = "wellbeing"

urlpatterns = [
    path("", views.home, name="home"),
    path("surveys/<int:survey_id>/", views.survey_answer, name="survey_answer"),
    path("company/<int:company_id>/", views.company, name="company"),
    path("network/", views.network, name="network"),
]

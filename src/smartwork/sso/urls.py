from django.urls import path

from smartwork.sso import views

app_name = "sso"

urlpatterns = [
    path("login/sso/", views.start, name="start"),
    path("login/sso/callback/", views.callback, name="callback"),
    path("company/<int:company_id>/sso/", views.company_sso, name="company"),
]

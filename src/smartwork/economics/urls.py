from django.urls import path

from smartwork.economics import views

app_name = "economics"

urlpatterns = [
    path("", views.economics_home, name="home"),
    path("network/", views.network_page, name="network"),
    path("network/what-if/", views.whatif_page, name="whatif"),
    path("network/alliances/", views.alliances_page, name="alliances"),
    path("centres/<int:centre_id>/", views.centre_page, name="centre"),
    path("costs/<int:item_id>/version/", views.cost_version_view, name="cost_version"),
]

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from smartwork.config.api import api

admin.site.site_header = "smartwork administration"
admin.site.site_title = "smartwork"

urlpatterns: list[URLPattern | URLResolver] = [
    # The admin logs in through the site's login (and its second step), never its own form.
    path("admin/login/", RedirectView.as_view(pattern_name="web:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("smartworking/", include("smartwork.workplans.urls")),
    path("wellbeing/", include("smartwork.wellbeing.urls")),
    path("economics/", include("smartwork.economics.urls")),
    path("community/", include("smartwork.community.urls")),
    path("", include("smartwork.sso.urls")),
    path("", include("smartwork.twofactor.urls")),
    path("", include("smartwork.web.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "smartwork.web.views.errors.forbidden"
handler404 = "smartwork.web.views.errors.not_found"
handler500 = "smartwork.web.views.errors.server_error"

"""URLs of the example host: the API under /api/, its docs, the admin, and the front end at /."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from demo import views
from learnplat import health, metrics

# The example project names its admin; a host brands its own the same way (learnplat's admin
# classes register on whichever AdminSite the host uses and never set these).
admin.site.site_header = "learnplat admin"
admin.site.site_title = "learnplat admin"
admin.site.index_title = "Courses, people and submissions"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path(
        "api/redoc/",
        # Without drf-spectacular's Google Fonts link: the docs make no request off the site.
        SpectacularRedocView.as_view(url_name="schema", template_name="demo/redoc.html"),
        name="redoc",
    ),
    path("api/", include("learnplat.urls")),
    path("", views.index, name="index"),
    # Client-side routes of the React app (/courses/intro, ...) load the same index.html.
    re_path(
        r"^(?!api/|admin/|static/|healthz$|readyz$|metrics$).+$",
        views.frontend_route,
        name="frontend-route",
    ),
]

# JSON errors for paths under api/ (a URL no view matched, a crash outside DRF); the rest of
# the site keeps Django's pages.
handler404 = "learnplat.handlers.page_not_found"
handler500 = "learnplat.handlers.server_error"

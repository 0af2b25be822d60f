from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from learnplat import health

urlpatterns = [
    path("healthz", health.healthz),
    path("readyz", health.readyz),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/", include("learnplat.urls")),
]

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from lti_tool.views import jwks
from rest_framework.routers import SimpleRouter

from learnplat.lti.views import (
    DeepLinkView,
    LaunchView,
    LoginView,
    RegistrationViewSet,
    SessionView,
)

router = SimpleRouter()
router.register("lti/registrations", RegistrationViewSet, basename="lti-registration")

urlpatterns: list[URLPattern | URLResolver] = [
    path("lti/login/", LoginView.as_view(), name="lti-login"),
    path("lti/login/<uuid:registration_uuid>/", LoginView.as_view(), name="lti-login"),
    path("lti/launch/", LaunchView.as_view(), name="lti-launch"),
    path("lti/deep-link/", DeepLinkView.as_view(), name="lti-deep-link"),
    path("lti/jwks/", jwks, name="lti-jwks"),
    path("lti/session/", SessionView.as_view({"post": "session"}), name="lti-session"),
    *router.urls,
]

"""The ``auth/`` and ``users/`` endpoints (docs/auth.md).

Every view resolves its permissions and serializer per action from ``LEARNPLAT``, under the
keys ``auth_<action>`` and ``user_<action>`` listed in docs/permissions.md::

    LEARNPLAT = {
        "PERMISSIONS": {"auth_register": "myproject.permissions.InvitedOnly"},
        "SERIALIZERS": {"auth_me_retrieve": "myproject.serializers.MeWithAvatar"},
        "THROTTLE_RATES": {"learnplat_register": "5/hour"},
    }
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth import update_session_auth_hash
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.filters import OrderingFilter
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from learnplat.accounts import querysets
from learnplat.accounts.filters import UserFilter
from learnplat.accounts.serializers import (
    AdminUserSerializer,
    LogoutSerializer,
    PasswordChangeSerializer,
    RegisterSerializer,
    RegistrationSerializer,
    TokenObtainSerializer,
    TokenPairSerializer,
    TokenRefreshSerializer,
    TokenVerifySerializer,
    UserSerializer,
)
from learnplat.accounts.throttling import RegisterThrottle, TokenThrottle
from learnplat.api import LearnplatViewMixin
from learnplat.authentication import JWTAuthentication
from learnplat.filters import FilterBackend, KeyedSearchFilter
from learnplat.permissions import IsPlatformAdmin
from learnplat.schema import error_responses


@method_decorator(sensitive_post_parameters(), name="dispatch")
class AuthView(LearnplatViewMixin, GenericAPIView):
    """Base of the ``auth/`` endpoints: ``method_actions`` names the action of each HTTP
    method, and so the ``auth_<action>`` keys its permissions and serializer live under."""

    permission_resource = "auth"
    method_actions: ClassVar[dict[str, str]] = {}
    # Used only for methods without an action (OPTIONS).
    permission_classes = [IsAuthenticated]

    @property
    def action(self) -> str | None:
        request = getattr(self, "request", None)
        method = (getattr(request, "method", None) or "").lower()
        if method == "head":
            method = "get"
        return self.method_actions.get(method)

    @action.setter
    def action(self, value: str | None) -> None:
        # DRF's override_method (the browsable API's forms) assigns ``action`` from a
        # viewset's action_map. It swaps ``self.request`` for one with the form's method
        # too, and the getter derives the action from that, so the assignment is moot.
        pass

    # Every frame below holds passwords or tokens: Django's error reports (ADMINS mails,
    # error trackers using its filter) show none of their variables.
    @sensitive_variables()
    def save_body(self, request: Request, **kwargs: Any) -> Any:
        """Validate the body with the action's serializer and save it; returns what it saved."""
        serializer = self.get_serializer(data=request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.save()


class CredentialsInBodyView(AuthView):
    """An endpoint whose credentials travel in the body (password, refresh token).

    The request itself is not authenticated, so a stale ``Authorization`` header cannot
    stop a client from logging in; a refused credential is still a 401.
    """

    permission_classes = [AllowAny]

    def get_authenticators(self) -> list[Any]:
        return []

    def get_authenticate_header(self, request: Request) -> str:
        return str(JWTAuthentication().authenticate_header(request))


class RegisterView(CredentialsInBodyView):
    """``POST auth/register/``: sign up as a student (or a role settings allow)."""

    method_actions = {"post": "register"}
    action_permissions = {"register": [AllowAny]}
    action_serializers = {"register": RegisterSerializer}
    throttle_classes = [RegisterThrottle]

    @extend_schema(
        summary="Register a new user",
        description=(
            "Creates a user and returns it with a token pair. The role is the first of "
            '`LEARNPLAT["REGISTRATION_ROLES"]` (`student` by default) unless `role` names '
            "another one of them. Throttled (scope `learnplat_register`)."
        ),
        responses={201: RegistrationSerializer, **error_responses(400, 429)},
    )
    def post(self, request: Request) -> Response:
        registration = self.save_body(request)
        body = RegistrationSerializer(registration, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


class TokenPairView(CredentialsInBodyView):
    """An endpoint whose serializer saves into a :class:`~learnplat.accounts.tokens.TokenPair`."""

    def post(self, request: Request) -> Response:
        return Response(TokenPairSerializer(self.save_body(request)).data)


@extend_schema_view(
    post=extend_schema(
        summary="Obtain a token pair",
        description="Throttled (scope `learnplat_token`). Inactive users are refused.",
        responses={
            200: TokenPairSerializer,
            **error_responses(
                400, 401, 429, descriptions={401: "Wrong credentials or inactive user."}
            ),
        },
    )
)
class TokenObtainView(TokenPairView):
    """``POST auth/token/``: log in with username and password."""

    method_actions = {"post": "token"}
    action_permissions = {"token": [AllowAny]}
    action_serializers = {"token": TokenObtainSerializer}
    throttle_classes = [TokenThrottle]


@extend_schema_view(
    post=extend_schema(
        summary="Rotate a refresh token",
        description=(
            "Always rotates: the refresh token sent is blacklisted, and sending it again "
            "gets a 401. Refused for deactivated users and after a password change."
        ),
        responses={
            200: TokenPairSerializer,
            **error_responses(
                400,
                401,
                descriptions={
                    401: "The refresh token is invalid, expired, already used or revoked, "
                    "or its user is inactive (`code` says which)."
                },
            ),
        },
    )
)
class TokenRefreshView(TokenPairView):
    """``POST auth/token/refresh/``: exchange a refresh token for a new pair."""

    method_actions = {"post": "token_refresh"}
    action_permissions = {"token_refresh": [AllowAny]}
    action_serializers = {"token_refresh": TokenRefreshSerializer}


class TokenVerifyView(CredentialsInBodyView):
    """``POST auth/token/verify/``: would this token be accepted now?"""

    method_actions = {"post": "token_verify"}
    action_permissions = {"token_verify": [AllowAny]}
    action_serializers = {"token_verify": TokenVerifySerializer}

    @extend_schema(
        summary="Verify a token",
        description=(
            "Checks an access or refresh token: signature, expiry, revocation, and that "
            "its user is active and has not changed password since."
        ),
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Valid: an empty object."),
            **error_responses(400, 401),
        },
    )
    def post(self, request: Request) -> Response:
        self.get_serializer(data=request.data).is_valid(raise_exception=True)
        return Response({})


class LogoutView(AuthView):
    """``POST auth/logout/``: revoke one of the caller's refresh tokens."""

    method_actions = {"post": "logout"}
    action_permissions = {"logout": [IsAuthenticated]}
    action_serializers = {"logout": LogoutSerializer}

    @extend_schema(
        summary="Log out",
        description=(
            "Blacklists the refresh token sent (idempotent). The access token keeps "
            "working until it expires; clients drop it."
        ),
        responses={
            204: OpenApiResponse(description="The refresh token no longer works."),
            **error_responses(
                400, 401, 403, descriptions={403: "The refresh token is another user's."}
            ),
        },
    )
    def post(self, request: Request) -> Response:
        self.save_body(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(AuthView):
    """``GET, PATCH auth/me/``: the caller's own account."""

    method_actions = {"get": "me_retrieve", "patch": "me_update"}
    action_permissions = {"me_retrieve": [IsAuthenticated], "me_update": [IsAuthenticated]}
    action_serializers = {"me_retrieve": UserSerializer, "me_update": UserSerializer}
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> Any:
        return self.request.user

    @extend_schema(
        summary="The current user",
        description="The caller's own account.",
        responses={200: UserSerializer, **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Update the current user",
        description="`email`, `first_name` and `last_name`; other fields sent are ignored.",
        responses={200: UserSerializer, **error_responses(400, 401)},
    )
    def patch(self, request: Request) -> Response:
        user = self.save_body(request, instance=self.get_object(), partial=True)
        return Response(self.get_serializer(user).data)


class PasswordChangeView(AuthView):
    """``POST auth/password/``: change the caller's password."""

    method_actions = {"post": "password"}
    action_permissions = {"password": [IsAuthenticated]}
    action_serializers = {"password": PasswordChangeSerializer}
    throttle_classes = [TokenThrottle]

    @extend_schema(
        summary="Change the password",
        description=(
            "Every refresh token of the user is revoked, and every access token issued "
            "before stops working: log in again with the new password. Throttled (scope "
            "`learnplat_token`)."
        ),
        responses={
            204: OpenApiResponse(description="Changed."),
            **error_responses(400, 401, 429),
        },
    )
    def post(self, request: Request) -> Response:
        user = self.save_body(request)
        if isinstance(request.successful_authenticator, SessionAuthentication):
            # Keep the browser session that made the change (Django's own view does too).
            update_session_auth_hash(request._request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="List users",
        description="Platform admins only. Search: username, e-mail, names.",
        responses={200: AdminUserSerializer(many=True), **error_responses(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="A user",
        description="Platform admins only.",
        responses={200: AdminUserSerializer, **error_responses(401, 403, 404)},
    ),
    update=extend_schema(
        summary="Change a user's role or active flag",
        description=(
            "Platform admins only; other fields sent are ignored. Deactivating revokes the "
            "user's tokens at once. 403 `self_lockout`: admins cannot demote or deactivate "
            "themselves; 403 `superuser_protected`: only superusers may (de)activate one."
        ),
        responses={200: AdminUserSerializer, **error_responses(400, 401, 403, 404)},
    ),
)
class UserViewSet(
    LearnplatViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """``GET users/``, ``GET, PATCH users/{id}/``: user administration for platform admins."""

    permission_resource = "user"
    permission_classes = [IsPlatformAdmin]
    action_permissions = {
        "list": [IsPlatformAdmin],
        "retrieve": [IsPlatformAdmin],
        "update": [IsPlatformAdmin],
    }
    action_serializers = {
        "list": AdminUserSerializer,
        "retrieve": AdminUserSerializer,
        "update": AdminUserSerializer,
    }
    filter_backends = [FilterBackend, KeyedSearchFilter, OrderingFilter]
    filterset_class = UserFilter
    search_fields = ["username", "email", "first_name", "last_name"]
    ordering_fields = ["id", "username", "email", "first_name", "last_name", "date_joined"]
    ordering = ["id"]

    def get_queryset(self) -> Any:
        return querysets.users_with_roles()

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return Response(self.get_serializer(serializer.save()).data)

"""Serializers of the accounts endpoints: they validate input and call accounts_flow.

Any of them can be replaced per action through ``LEARNPLAT["SERIALIZERS"]`` (keys in
docs/permissions.md)::

    LEARNPLAT = {"SERIALIZERS": {"auth_register": "myproject.serializers.SignUpSerializer"}}

Reads ``LEARNPLAT["REGISTRATION_ROLES"]`` on every registration and ``AUTH_PASSWORD_VALIDATORS``
through Django. Fields a request may not set are ignored (``role`` and ``username`` on
``auth/me/``), and so are unknown fields, as everywhere in DRF; every string has a maximum
length, so no input is too long to be refused with a field error.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework_simplejwt.exceptions import AuthenticationFailed

from learnplat.accounts import querysets
from learnplat.adapter import get_adapter
from learnplat.conf import settings
from learnplat.exceptions import InvalidInput
from learnplat.flows import accounts as accounts_flow
from learnplat.roles import Role, get_role
from learnplat.serializers import call_flow

#: Longer passwords are refused (400) before any hashing.
PASSWORD_MAX_LENGTH = 1024
#: Longer tokens are refused (400) before any decoding; real ones are well under 1 kB.
TOKEN_MAX_LENGTH = 8192


def _user_field(name: str) -> Any:
    return get_user_model()._meta.get_field(name)


def _username_field() -> serializers.CharField:
    model_field = _user_field("username")
    return serializers.CharField(
        max_length=model_field.max_length,
        # The model's own validators (UnicodeUsernameValidator, ...), minus its length check,
        # which the field above reports already.
        validators=[v for v in model_field.validators if not isinstance(v, MaxLengthValidator)],
        help_text=model_field.help_text,
    )


def _name_field() -> serializers.CharField:
    return serializers.CharField(
        max_length=_user_field("first_name").max_length, required=False, allow_blank=True
    )


def _password_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        write_only=True,
        max_length=PASSWORD_MAX_LENGTH,
        trim_whitespace=False,
        style={"input_type": "password"},
        **kwargs,
    )


def _token_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=TOKEN_MAX_LENGTH, **kwargs)


class RoleField(serializers.ChoiceField):
    """The platform role of the user, read through the adapter (``LEARNPLAT["ADAPTER"]``), so
    it is right for every host shape (a ``role`` field, groups, or the host's own rule)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", Role.choices)
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        role = get_role(value)
        return role.value if role is not None else ""

    # source="*": the validated value is merged into the serializer's data as a dict.
    def to_internal_value(self, data: Any) -> dict[str, Role]:  # type: ignore[override]
        return {"role": Role(super().to_internal_value(data))}


# -- users -----------------------------------------------------------------------------


class UserSerializer(serializers.ModelSerializer[Any]):
    """A user. Its owner may change `email`, `first_name` and `last_name`."""

    role = RoleField(read_only=True, help_text="The platform role.")

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "email", "first_name", "last_name", "role", "date_joined"]
        read_only_fields = ["id", "username", "date_joined"]
        # Required so the schema shows them as always present; PATCH is partial anyway.
        extra_kwargs = {
            "email": {"required": True, "allow_blank": False},
            "first_name": {"required": True},
            "last_name": {"required": True},
        }

    def validate_email(self, value: str) -> str:
        value = get_user_model()._default_manager.normalize_email(value)
        exclude = self.instance.pk if self.instance is not None else None
        if querysets.email_taken(value, exclude_pk=exclude):
            raise serializers.ValidationError(
                _("A user with that email address already exists."), code="unique"
            )
        return value

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        return call_flow(accounts_flow.update_profile, validated_data, user=instance)


class AdminUserSerializer(UserSerializer):
    """A user as platform admins see it; they may change `role` and `is_active` only."""

    role = RoleField(
        required=False,
        help_text="The platform role. Superusers are always admins, whatever is stored.",
    )

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "is_active", "last_login"]
        read_only_fields = [
            "id", "username", "email", "first_name", "last_name", "date_joined", "last_login",
        ]  # fmt: skip
        extra_kwargs: dict[str, Any] = {}

    def validate_role(self, value: dict[str, Role]) -> dict[str, Role]:
        # RoleField has source="*", so its validated value is {"role": <Role>}.
        role = value["role"]
        user = self.instance
        if user is None or role == get_role(user):
            return value
        if getattr(user, "is_superuser", False):
            raise serializers.ValidationError(
                _("Superusers are always platform admins; remove the superuser status first."),
                code="superuser_role",
            )
        if not get_adapter().can_write_roles():
            raise serializers.ValidationError(
                _("Platform roles cannot be changed through the API on this site."),
                code="role_not_writable",
            )
        return value

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        return call_flow(
            accounts_flow.update_user_access,
            validated_data,
            user=instance,
            by=self.context["request"].user,
        )


# -- registration ----------------------------------------------------------------------


class RegisterSerializer(serializers.Serializer[Any]):
    """Sign-up input. `role` is accepted only from `LEARNPLAT["REGISTRATION_ROLES"]`
    (by default `["student"]`: nobody can sign up as an instructor or admin)."""

    username = _username_field()
    email = serializers.EmailField(max_length=_user_field("email").max_length)
    password = _password_field(help_text="Checked against AUTH_PASSWORD_VALIDATORS.")
    first_name = _name_field()
    last_name = _name_field()
    role = serializers.ChoiceField(
        choices=Role.choices,
        required=False,
        help_text='Only roles in LEARNPLAT["REGISTRATION_ROLES"] are accepted (by default '
        "just `student`); the first of them is the default.",
    )

    def validate_role(self, value: str) -> Role:
        if value not in settings.REGISTRATION_ROLES:
            raise serializers.ValidationError(
                _("You cannot register as %(role)s.") % {"role": Role(value).label},
                code="role_not_allowed",
            )
        return Role(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        model = get_user_model()
        attrs["username"] = model.normalize_username(attrs["username"])
        attrs["email"] = model._default_manager.normalize_email(attrs["email"])
        attrs["role"] = Role(attrs.get("role") or settings.REGISTRATION_ROLES[0])
        errors: dict[str, Any] = {}
        # Each separately, so a sign-up whose username and e-mail are both taken hears of both.
        for identity in ({"username": attrs["username"]}, {"email": attrs["email"]}):
            try:
                accounts_flow.ensure_identity_free(**identity)
            except InvalidInput as exc:
                errors.update(exc.errors)
        candidate = model(
            username=attrs["username"],
            email=attrs["email"],
            first_name=attrs.get("first_name", ""),
            last_name=attrs.get("last_name", ""),
        )
        try:
            validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as exc:
            errors["password"] = list(exc.messages)
        if attrs["role"] != Role.STUDENT and not get_adapter().can_write_roles():
            errors["role"] = [str(_("Platform roles cannot be set on this site."))]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data: dict[str, Any]) -> accounts_flow.Registration:
        return call_flow(accounts_flow.register_user, validated_data)


class RegistrationSerializer(serializers.Serializer[Any]):
    """The new user and a token pair."""

    user = UserSerializer(read_only=True)
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)


# -- tokens ----------------------------------------------------------------------------


class TokenPairSerializer(serializers.Serializer[Any]):
    """An access token and the refresh token that renews it."""

    access = serializers.CharField(read_only=True, help_text="Short-lived bearer token.")
    refresh = serializers.CharField(
        read_only=True, help_text="Single-use token for auth/token/refresh/."
    )


class TokenObtainSerializer(serializers.Serializer[Any]):
    """Log in with username and password; inactive users are refused like wrong passwords."""

    username = serializers.CharField(max_length=_user_field("username").max_length)
    password = _password_field()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = authenticate(
            self.context.get("request"), username=attrs["username"], password=attrs["password"]
        )
        if user is None or not user.is_active:
            raise AuthenticationFailed(
                str(_("No active account found with the given credentials")),
                code="no_active_account",
            )
        return {"user": user}

    def create(self, validated_data: dict[str, Any]) -> Any:
        return accounts_flow.log_in(user=validated_data["user"])


class TokenRefreshSerializer(serializers.Serializer[Any]):
    """Exchange a refresh token for a new pair; the one sent is blacklisted."""

    refresh = _token_field(write_only=True)

    def create(self, validated_data: dict[str, Any]) -> Any:
        return accounts_flow.rotate_refresh_token(raw=validated_data["refresh"])


class TokenVerifySerializer(serializers.Serializer[Any]):
    """Whether an access or refresh token would be accepted now."""

    token = _token_field(write_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        accounts_flow.verify_token(raw=attrs["token"])
        return attrs


class LogoutSerializer(serializers.Serializer[Any]):
    """Revoke one refresh token of the caller."""

    refresh = _token_field(write_only=True)

    def create(self, validated_data: dict[str, Any]) -> Any:
        user = self.context["request"].user
        accounts_flow.log_out(user=user, raw=validated_data["refresh"])
        return user


class PasswordChangeSerializer(serializers.Serializer[Any]):
    """Change the caller's password; every refresh and access token issued before stops working."""

    old_password = _password_field()
    new_password = _password_field(help_text="Checked against AUTH_PASSWORD_VALIDATORS.")

    def validate_old_password(self, value: str) -> str:
        if not self.context["request"].user.check_password(value):
            raise serializers.ValidationError(
                _("Your old password was entered incorrectly. Please enter it again."),
                code="password_incorrect",
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["new_password"] == attrs["old_password"]:
            raise serializers.ValidationError(
                {"new_password": [_("The new password must differ from the old one.")]}
            )
        try:
            validate_password(attrs["new_password"], user=self.context["request"].user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"new_password": list(exc.messages)}) from exc
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Any:
        user = self.context["request"].user
        accounts_flow.change_password(user=user, new_password=validated_data["new_password"])
        return user

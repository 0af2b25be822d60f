"""Accounts: registration, logging in and out, refresh rotation, password
changes, revocation and admins' changes to other users.

Settings read: ``LEARNPLAT["REGISTRATION_ROLES"]`` (through the serializer), the adapter
(``LEARNPLAT["ADAPTER"]``: roles are written through it, and it receives the extra fields of
``auth_register``, ``auth_me_update`` and ``user_update`` in ``save_extra()``), and
simplejwt's ``SIMPLE_JWT`` (lifetimes, ``UPDATE_LAST_LOGIN``, claim names). Example::

    user, tokens = register_user(username="ada", email="ada@example.com", password="...")
    revoke_all_refresh_tokens(user=user)  # every refresh token of ada stops working

Refresh tokens are revoked through simplejwt's blacklist; access tokens stop working when
their user is deactivated or changes password (see :mod:`learnplat.authentication`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import datetime_from_epoch

from learnplat.accounts import querysets
from learnplat.accounts.signals import user_registered
from learnplat.accounts.tokens import (
    TokenPair,
    issue_token_pair,
    jwt_settings,
    read_any_token,
    read_refresh_token,
)
from learnplat.adapter import get_adapter
from learnplat.authentication import token_user_problem
from learnplat.exceptions import Forbidden, InvalidInput, Unauthenticated
from learnplat.flows import NOT_GIVEN, NotGiven, given
from learnplat.roles import Role, get_role, set_role
from learnplat.signals import send_on_commit

# pg_advisory_xact_lock key serialising "is this username/e-mail free? then insert it".
_IDENTITY_LOCK_KEY = 0x1EA2_0AC7


@dataclass(frozen=True)
class Registration:
    user: Any
    access: str
    refresh: str


# -- identities ------------------------------------------------------------------------


def _lock_identities() -> None:
    """Serialise the check-then-write of usernames and e-mail addresses until commit.

    Two sign-ups as ``Ada`` and ``ada`` at the same moment would otherwise both pass the
    check. PostgreSQL gets an advisory lock (held only for the check and the INSERT: the
    password is hashed before). Elsewhere the learnplat user's case-insensitive constraints
    catch the race; SQLite sites with their own user model can set the database option
    ``"transaction_mode": "IMMEDIATE"`` to serialise writing transactions.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IDENTITY_LOCK_KEY])


def ensure_identity_free(
    *, username: str | None = None, email: str | None = None, exclude_pk: Any = None
) -> None:
    """400 with the error on ``username`` or ``email`` (code ``unique``) if another user has
    this username or e-mail address (compared without regard to case)."""
    if username is not None and querysets.username_taken(username, exclude_pk=exclude_pk):
        raise InvalidInput(
            {"username": ["A user with that username already exists."]}, code="unique"
        )
    if email and querysets.email_taken(email, exclude_pk=exclude_pk):
        raise InvalidInput(
            {"email": ["A user with that email address already exists."]}, code="unique"
        )


def _save_identity(user: Any, **save_kwargs: Any) -> None:
    """Save ``user``, reporting a unique constraint the database caught as a duplicate."""
    try:
        with transaction.atomic():
            user.save(**save_kwargs)
    except IntegrityError:
        ensure_identity_free(username=user.username, email=user.email, exclude_pk=user.pk)
        raise


# -- registration and login ------------------------------------------------------------


@transaction.atomic
def register_user(
    *,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    role: Role | str = Role.STUDENT,
    extra: Mapping[str, Any] | None = None,
) -> Registration:
    """Create a user with ``role`` and a token pair, all or nothing.

    The caller has validated the input (the password against ``AUTH_PASSWORD_VALIDATORS``,
    the role against ``REGISTRATION_ROLES``); uniqueness is checked again here under a lock.
    Sends :data:`~learnplat.accounts.signals.user_registered` on commit.
    """
    model = get_user_model()
    user = model(
        username=model.normalize_username(username),
        email=model._default_manager.normalize_email(email),
        first_name=first_name,
        last_name=last_name,
    )
    user.set_password(password)
    _lock_identities()
    ensure_identity_free(username=user.username, email=user.email)
    _save_identity(user)
    if get_role(user) != Role(role):
        set_role(user, role)
    get_adapter().save_extra(key="auth_register", instance=user, data=dict(extra or {}))
    tokens = issue_token_pair(user)
    send_on_commit(user_registered, sender=model, user=user)
    return Registration(user=user, access=tokens.access, refresh=tokens.refresh)


@transaction.atomic
def log_in(*, user: Any) -> TokenPair:
    """A token pair for an authenticated, active ``user`` (and ``last_login`` if
    ``SIMPLE_JWT["UPDATE_LAST_LOGIN"]``)."""
    if jwt_settings().UPDATE_LAST_LOGIN:
        update_last_login(type(user), user)
    return issue_token_pair(user)


# -- tokens ----------------------------------------------------------------------------


def _decoded(read: Callable[[str], Token], raw: str) -> Token:
    """``read(raw)``, with simplejwt's error for a forged, expired or mistyped token as a 401."""
    try:
        return read(raw)
    except TokenError as exc:
        raise Unauthenticated(str(exc.args[0]) if exc.args else None) from exc


def _token_user(token: Token) -> Any:
    model = get_user_model()
    try:
        return model._default_manager.get(
            **{jwt_settings().USER_ID_FIELD: token[jwt_settings().USER_ID_CLAIM]}
        )
    except (KeyError, ValueError, TypeError, model.DoesNotExist) as exc:
        raise Unauthenticated(
            "No active account found for the given token.", code="no_active_account"
        ) from exc


def _check_usable(token: Token, user: Any) -> None:
    problem = token_user_problem(token, user)
    if problem is not None:
        raise Unauthenticated(problem[0], code=problem[1])


def _locked_outstanding(token: Token) -> OutstandingToken:
    """The outstanding-token row of ``token``, locked until commit (created if missing,
    e.g. for tokens issued before the blacklist app was installed)."""
    outstanding, _ = OutstandingToken.objects.select_for_update().get_or_create(
        jti=token[jwt_settings().JTI_CLAIM],
        defaults={
            "user": None,
            "token": str(token),
            "created_at": timezone.now(),
            "expires_at": datetime_from_epoch(token["exp"]),
        },
    )
    return outstanding


@transaction.atomic
def rotate_refresh_token(*, raw: str) -> TokenPair:
    """Exchange a refresh token for a new pair and blacklist it, whatever ``SIMPLE_JWT`` says.

    401 (:class:`~learnplat.exceptions.Unauthenticated`) for a forged, expired or mistyped
    token, a revoked one (a reused refresh token), a deleted or inactive user, or a password
    changed since. With the outstanding row locked, two requests with the same token cannot
    both get a new pair.
    """
    token = _decoded(read_refresh_token, raw)
    outstanding = _locked_outstanding(token)
    if BlacklistedToken.objects.filter(token=outstanding).exists():
        raise Unauthenticated("Token is blacklisted", code="token_not_valid")
    user = _token_user(token)
    _check_usable(token, user)
    try:
        # Where row locks do nothing (SQLite), a racing request is caught here instead.
        with transaction.atomic():
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError as exc:
        raise Unauthenticated("Token is blacklisted", code="token_not_valid") from exc
    return issue_token_pair(user)


def verify_token(*, raw: str) -> None:
    """Check that an access or refresh token would be accepted now.

    Beyond signature and expiry: not blacklisted, its user exists, is active and has not
    changed password since it was issued; 401 (:class:`~learnplat.exceptions.Unauthenticated`)
    otherwise.
    """
    token = _decoded(read_any_token, raw)
    if querysets.is_blacklisted(token[jwt_settings().JTI_CLAIM]):
        raise Unauthenticated("Token is blacklisted", code="token_not_valid")
    _check_usable(token, _token_user(token))


@transaction.atomic
def log_out(*, user: Any, raw: str) -> None:
    """Blacklist one refresh token of ``user`` (again: idempotent).

    400 with the error on ``refresh`` if it does not decode (it is the input, not the
    caller's credentials), 403 ``token_not_owned`` if it belongs to someone else.
    """
    try:
        token = read_refresh_token(raw)
    except TokenError as exc:
        raise InvalidInput(
            {"refresh": ["Token is invalid or expired"]}, code="token_not_valid"
        ) from exc
    owner = str(token.get(jwt_settings().USER_ID_CLAIM))
    if owner != str(getattr(user, jwt_settings().USER_ID_FIELD)):
        raise Forbidden("This refresh token belongs to another user.", code="token_not_owned")
    BlacklistedToken.objects.get_or_create(token=_locked_outstanding(token))


@transaction.atomic
def revoke_all_refresh_tokens(*, user: Any) -> int:
    """Blacklist every outstanding, unexpired refresh token of ``user``; returns how many."""
    pending = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    )
    revoked = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=outstanding) for outstanding in pending], ignore_conflicts=True
    )
    return len(revoked)


# -- the user's own account ------------------------------------------------------------


@transaction.atomic
def update_profile(
    *,
    user: Any,
    email: str | NotGiven = NOT_GIVEN,
    first_name: str | NotGiven = NOT_GIVEN,
    last_name: str | NotGiven = NOT_GIVEN,
    extra: Mapping[str, Any] | None = None,
) -> Any:
    """Change the user's own ``email``, ``first_name`` and ``last_name`` (those given)."""
    fields = given(email=email, first_name=first_name, last_name=last_name)
    if "email" in fields:
        fields["email"] = get_user_model()._default_manager.normalize_email(fields["email"])
        _lock_identities()
        ensure_identity_free(email=fields["email"], exclude_pk=user.pk)
    for name, value in fields.items():
        setattr(user, name, value)
    if fields:
        _save_identity(user, update_fields=list(fields))
    get_adapter().save_extra(key="auth_me_update", instance=user, data=dict(extra or {}))
    return user


@transaction.atomic
def change_password(*, user: Any, new_password: str) -> None:
    """Set a new (already validated) password and revoke every refresh token of the user.

    Access tokens issued by learnplat stop working too: their password claim no longer
    matches.
    """
    user.set_password(new_password)
    user.save(update_fields=["password"])
    revoke_all_refresh_tokens(user=user)


# -- platform admins' changes ----------------------------------------------------------


@transaction.atomic
def update_user_access(
    *,
    user: Any,
    by: Any,
    role: Role | str | None = None,
    is_active: bool | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Any:
    """A platform admin (``by``) changes ``user``'s role and/or active flag.

    Deactivating revokes every refresh token at once (access tokens are refused for
    inactive users on every request); reactivating does not bring them back. Admins cannot
    demote or deactivate themselves (403 ``self_lockout``), and only superusers may
    (de)activate superusers (403 ``superuser_protected``).
    """
    role_changes = role is not None and Role(role) != get_role(user)
    active_changes = is_active is not None and is_active != user.is_active
    if user.pk == by.pk and (role_changes or is_active is False):
        raise Forbidden("You cannot demote or deactivate your own account.", code="self_lockout")
    if active_changes and user.is_superuser and not by.is_superuser:
        raise Forbidden(
            "Only superusers may activate or deactivate a superuser.", code="superuser_protected"
        )
    if role is not None and role_changes:
        set_role(user, role)
    if active_changes:
        user.is_active = bool(is_active)
        user.save(update_fields=["is_active"])
        if not user.is_active:
            revoke_all_refresh_tokens(user=user)
    get_adapter().save_extra(key="user_update", instance=user, data=dict(extra or {}))
    return user


__all__ = [
    "Registration",
    "change_password",
    "ensure_identity_free",
    "log_in",
    "log_out",
    "register_user",
    "revoke_all_refresh_tokens",
    "rotate_refresh_token",
    "update_profile",
    "update_user_access",
    "verify_token",
]

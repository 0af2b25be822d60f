"""Reads of users and tokens for the accounts endpoints.

The user model is the host's (``AUTH_USER_MODEL``), which learnplat cannot give QuerySet
methods, so the reads are functions over ``get_user_model()``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from learnplat.roles import with_roles


def users_with_roles() -> QuerySet[Any]:
    """Every user, each annotated with its platform role (no query per row for the role)."""
    return with_roles(get_user_model()._default_manager.all())


def username_taken(username: str, *, exclude_pk: Any = None) -> bool:
    """Whether another user has ``username``, compared without regard to case."""
    users = get_user_model()._default_manager.filter(username__iexact=username)
    return users.exclude(pk=exclude_pk).exists() if exclude_pk is not None else users.exists()


def email_taken(email: str, *, exclude_pk: Any = None) -> bool:
    """Whether another user has ``email``, compared without regard to case."""
    users = get_user_model()._default_manager.filter(email__iexact=email)
    return users.exclude(pk=exclude_pk).exists() if exclude_pk is not None else users.exists()


def is_blacklisted(jti: str) -> bool:
    return BlacklistedToken.objects.filter(token__jti=jti).exists()

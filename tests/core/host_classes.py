"""Classes a host project might name in its ``REST_FRAMEWORK`` dict, to show learnplat's views
use them (tests/core/test_rest_framework.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework.authentication import BaseAuthentication
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.renderers import JSONRenderer


class HeaderAuthentication(BaseAuthentication):
    """``X-Host-User: <username>``: a stand-in for a host's own single sign-on."""

    def authenticate(self, request: Any) -> tuple[Any, None] | None:
        username = request.headers.get("X-Host-User")
        if not username:
            return None
        user = get_user_model()._default_manager.filter(username=username).first()
        return (user, None) if user is not None else None


class HostJSONRenderer(JSONRenderer):
    """The host's JSON renderer (the stdlib encoder DRF uses, not orjson)."""


class HostPagination(LimitOffsetPagination):
    """``?limit=`` and ``?offset=`` instead of learnplat's ``?page=``."""

    default_limit = 2

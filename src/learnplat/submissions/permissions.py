"""Permission classes of the grader endpoints (``grader_next``, ``grader_results``) and of
filing a regrade request (``regrade_request_create``)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from learnplat.submissions.models import GraderToken


class IsGrader(BasePermission):
    """Requests authenticated with an active grader token."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, GraderToken)


class IsOwner(BasePermission):
    """The object's ``user`` (a submission's: or a member of its group) only: not its
    course's staff, not platform admins."""

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        owned_by = getattr(obj, "is_owned_by", None)
        if owned_by is not None:
            return bool(owned_by(request.user))
        return getattr(obj, "user_id", None) == getattr(request.user, "pk", object())

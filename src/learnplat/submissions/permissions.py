"""Permission classes of the grader endpoints (``grader_next``, ``grader_results``)."""

from __future__ import annotations

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from learnplat.submissions.models import GraderToken


class IsGrader(BasePermission):
    """Requests authenticated with an active grader token."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, GraderToken)

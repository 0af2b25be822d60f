"""pylti1p3's service calls (AGS scores, NRPS rosters) with a timeout.

pylti1p3 and django-lti call ``requests`` without one, so a platform that accepts the
connection and never answers would hold an outbox delivery past its lease (and get the score
posted twice) or a roster sync forever. Every service request of learnplat goes through
:func:`service_connector`, whose session gives each request ``LTI["TIMEOUT_SECONDS"]``.
"""

from __future__ import annotations

from typing import Any, cast

import requests
from lti_tool.models import LtiContext, LtiRegistration
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import REQUESTS_USER_AGENT, ServiceConnector

from learnplat.conf import settings


class TimeoutSession(requests.Session):
    """A session whose requests time out after ``timeout`` seconds unless told otherwise."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout
        self.headers["User-Agent"] = REQUESTS_USER_AGENT

    def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)


def service_connector(registration: LtiRegistration) -> ServiceConnector:
    """pylti1p3's connector of ``registration`` (token requests included), with the timeout."""
    session = TimeoutSession(settings.LTI["TIMEOUT_SECONDS"])
    return ServiceConnector(registration.to_registration(), requests_session=session)


def fetch_member_data(context: LtiContext) -> list[dict[str, Any]]:
    """The NRPS members of ``context`` (django-lti's ``fetch_member_data``, with the timeout)."""
    if not context.memberships_url:
        return []
    nrps = NamesRolesProvisioningService(
        service_connector(context.deployment.registration),
        {"context_memberships_url": context.memberships_url},
    )
    return cast(list[dict[str, Any]], nrps.get_members())

"""pylti1p3 glue: which registration and deployment a message belongs to, and how a failed
validation answers.

django-lti's ``DjangoToolConfig`` creates an (inactive) deployment row for any deployment id
it has not seen, during validation; learnplat's refuses unknown and inactive deployments
instead, so a launch that fails writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from lti_tool.models import LtiDeployment, LtiLaunch
from lti_tool.utils import DjangoToolConfig, _prepare_deployment
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch
from pylti1p3.exception import LtiException


class LaunchRefused(LtiException):
    """The message is well-formed but names a registration or deployment this tool does not
    serve (or has switched off): 403, where a forged or stale message is a 401."""


class ToolConfig(DjangoToolConfig):
    """Registrations and deployments from django-lti's tables; active ones only."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        # At lti/login/{uuid}/ the URL names the registration, so a platform that sends no
        # client_id still finds it (django-lti always looks the client id up, and misses).
        return self.registration_uuid is not None

    def _deployment(self, lookups: dict[str, Any], deployment_id: str) -> Any:
        self.deployment = (
            LtiDeployment.objects.active()
            .filter(registration__is_active=True, deployment_id=deployment_id, **lookups)
            .select_related("registration")
            .first()
        )
        return None if self.deployment is None else _prepare_deployment(self.deployment)

    def find_deployment(self, iss: str, deployment_id: str) -> Any:
        return self._deployment(
            {"registration__uuid": self.registration_uuid, "registration__issuer": iss},
            deployment_id,
        )

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Any:
        lookups: dict[str, Any] = {
            "registration__issuer": iss,
            "registration__client_id": client_id,
        }
        if self.registration_uuid is not None:
            lookups["registration__uuid"] = self.registration_uuid
        return self._deployment(lookups, deployment_id)


class ToolMessageLaunch(DjangoMessageLaunch):
    """pylti1p3's launch, telling "who are you?" (403) apart from "prove it" (401)."""

    def validate_registration(self) -> Any:
        try:
            return super().validate_registration()
        except LtiException as exc:
            raise LaunchRefused(str(exc)) from exc

    def validate_deployment(self) -> Any:
        try:
            return super().validate_deployment()
        except LtiException as exc:
            raise LaunchRefused(str(exc)) from exc


def validated_launch(request: HttpRequest) -> LtiLaunch:
    """The launch of ``request`` (``id_token`` and ``state`` posted by the platform), checked:
    state cookie, JWT format, nonce issued by our login, registration, signature and expiry
    against the platform's JWKS, deployment, message claims.

    Raises :class:`LaunchRefused` or another ``LtiException``. The nonce is spent by the
    flow that handles the launch (:func:`learnplat.flows.lti.launch`), in its transaction.
    """
    message_launch = ToolMessageLaunch(
        request, ToolConfig(), launch_data_storage=DjangoCacheDataStorage()
    )
    message_launch.validate()
    return LtiLaunch(message_launch)


def restored_launch(request: HttpRequest, launch_id: str) -> LtiLaunch:
    """A launch validated earlier, from the cache by its id (the deep-linking page posts it
    back); ``LtiException`` when it is unknown or expired."""
    message_launch = ToolMessageLaunch.from_cache(
        launch_id, request, ToolConfig(), launch_data_storage=DjangoCacheDataStorage()
    )
    return LtiLaunch(message_launch)

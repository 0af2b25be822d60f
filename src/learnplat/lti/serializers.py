"""Serializers of ``lti/registrations/`` and ``lti/session/``: they validate and hand the
values to :mod:`learnplat.flows.lti`."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from lti_tool.models import LtiRegistration
from rest_framework import serializers

from learnplat.flows import lti as lti_flows
from learnplat.serializers import call_flow

#: Longest deployment id list one registration takes in a request.
MAX_DEPLOYMENTS = 100


class LtiRegistrationSerializer(serializers.ModelSerializer[LtiRegistration]):
    """A platform registration. ``deployment_ids`` lists the active deployments (a write
    replaces the set); ``tool`` is what to enter on the platform's side."""

    deployment_ids = serializers.ListField(
        child=serializers.CharField(max_length=255, allow_blank=False),
        max_length=MAX_DEPLOYMENTS,
        required=False,
        help_text="The platform's deployment ids this tool accepts launches from.",
    )
    tool = serializers.SerializerMethodField(
        help_text="The tool's URLs to enter in the platform: login, launch (redirect), "
        "deep linking and JWKS."
    )

    class Meta:
        model = LtiRegistration
        fields = ["id", "uuid", *lti_flows.REGISTRATION_FIELDS, "deployment_ids", "tool"]
        read_only_fields = ["id", "uuid"]
        extra_kwargs = {"audience": {"required": False}}
        # Not the model's (issuer, client_id) UniqueConstraint as a non_field_errors: the
        # flow checks it and answers the documented 400 on client_id (the constraint stays).
        validators: list[Any] = []

    def to_representation(self, instance: LtiRegistration) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["deployment_ids"] = [
            d.deployment_id for d in instance.deployments.all() if d.is_active
        ]
        return data

    def get_tool(self, registration: LtiRegistration) -> dict[str, str]:
        request = self.context.get("request")

        def absolute(name: str, **kwargs: Any) -> str:
            path = reverse(f"learnplat:{name}", kwargs=kwargs or None)
            return request.build_absolute_uri(path) if request is not None else path

        return {
            "login_url": absolute("lti-login", registration_uuid=registration.uuid),
            "launch_url": absolute("lti-launch"),
            "deep_linking_url": absolute("lti-launch"),
            "jwks_url": absolute("lti-jwks"),
        }

    def create(self, validated_data: dict[str, Any]) -> LtiRegistration:
        return call_flow(lti_flows.create_registration, validated_data)

    def update(self, instance: LtiRegistration, validated_data: dict[str, Any]) -> LtiRegistration:
        return call_flow(lti_flows.update_registration, validated_data, registration=instance)


class LtiSessionSerializer(serializers.Serializer[Any]):
    """``{code}``: the code a launch appended to ``LAUNCH_REDIRECT``."""

    code = serializers.CharField(max_length=100, write_only=True)
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)
    course = serializers.SlugField(read_only=True, help_text="The linked course's slug.")
    task = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The linked task's id, or null."
    )

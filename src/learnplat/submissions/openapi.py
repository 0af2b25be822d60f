"""OpenAPI pieces of the submissions views (the shared ones are in ``learnplat.schema``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class GraderTokenScheme(OpenApiAuthenticationExtension):
    """Describes ``Authorization: Grader <secret>`` in the schema."""

    target_class = "learnplat.submissions.authentication.GraderTokenAuthentication"
    name = "graderToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Grader <secret>`, a secret from the admin or from "
            "`manage.py learnplat_create_grader_token`.",
        }

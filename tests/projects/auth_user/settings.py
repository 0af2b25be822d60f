"""Host shape 3: plain ``auth.User`` that cannot be migrated; roles come from groups."""

from tests.projects.base import *  # noqa: F403

AUTH_USER_MODEL = "auth.User"
LEARNPLAT = {"ROLE_RESOLVER": "learnplat.roles.group_role_resolver"}
LEARNPLAT_HOST_SHAPE = "auth_user"

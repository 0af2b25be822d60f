"""Host shape 3: plain ``auth.User`` that cannot be migrated; roles come from groups."""

from tests.projects.base import *  # noqa: F403

AUTH_USER_MODEL = "auth.User"
LEARNPLAT = {"ADAPTER": "learnplat.adapter.GroupRolesAdapter"}
LEARNPLAT_HOST_SHAPE = "auth_user"

"""Host shape 1: a new project on the learnplat user model."""

from tests.projects.base import *  # noqa: F403

AUTH_USER_MODEL = "learnplat_accounts.User"
LEARNPLAT_HOST_SHAPE = "learnplat_user"

"""Host shape 2: a host app with its own user model that adds LearnplatUserMixin."""

from tests.projects.base import *  # noqa: F403
from tests.projects.base import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.projects.custom_user.hostapp"]
AUTH_USER_MODEL = "hostapp.Member"
LEARNPLAT_HOST_SHAPE = "custom_user"

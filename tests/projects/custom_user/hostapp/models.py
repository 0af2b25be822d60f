"""A host's own user model: e-mail login and a display name, plus learnplat's role field."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from learnplat.accounts.models import LearnplatUserMixin


class Member(AbstractUser, LearnplatUserMixin):
    display_name = models.CharField(max_length=100, blank=True)

"""Django admin for the learnplat user.

Registered only when ``AUTH_USER_MODEL = "learnplat_accounts.User"``. A host whose own user
model subclasses ``AbstractLearnplatUser`` (or adds ``LearnplatUserMixin`` to ``AbstractUser``)
can reuse the class::

    from learnplat.accounts.admin import LearnplatUserAdmin

    admin.site.register(Member, LearnplatUserAdmin)
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from learnplat.accounts.models import User
from learnplat.flows.accounts import revoke_all_refresh_tokens

_PLATFORM: Any = (_("Learning platform"), {"fields": ("role",)})


class LearnplatUserAdmin(UserAdmin):
    """Django's ``UserAdmin`` with the platform ``role`` shown, filterable and editable."""

    list_display = ("username", "email", "first_name", "last_name", "role", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff", "is_superuser", "groups")
    fieldsets = (*(UserAdmin.fieldsets or ()), _PLATFORM)
    add_fieldsets = (*UserAdmin.add_fieldsets, _PLATFORM)
    actions = ["revoke_refresh_tokens"]

    @admin.action(description=_("Log out everywhere (revoke refresh tokens)"))
    def revoke_refresh_tokens(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        revoked = sum(revoke_all_refresh_tokens(user=user) for user in queryset)
        self.message_user(
            request,
            ngettext("%d refresh token revoked.", "%d refresh tokens revoked.", revoked) % revoked,
            messages.SUCCESS,
        )


if settings.AUTH_USER_MODEL == "learnplat_accounts.User":
    admin.site.register(User, LearnplatUserAdmin)

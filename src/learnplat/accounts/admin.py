"""Django admin for the learnplat user.

Registered only when ``AUTH_USER_MODEL = "learnplat_accounts.User"``. A host whose own user
model subclasses ``AbstractLearnplatUser`` (or adds ``LearnplatUserMixin`` to ``AbstractUser``)
can reuse the class::

    from learnplat.accounts.admin import LearnplatUserAdmin

    admin.site.register(Member, LearnplatUserAdmin)

Changes that learnplat has rules for go through the accounts flows, as in the API:
``role`` and ``is_active`` through ``update_user_access`` (deactivating revokes the user's
refresh tokens; admins cannot lock themselves out; only superusers change superusers),
``email`` and the names through ``update_profile`` (e-mail addresses unique without regard
to case), a new password through ``change_password`` (every refresh token revoked). Django's
own fields (username, staff and superuser flags, groups, permissions) and adding a user
stay Django's: no learnplat rule applies to them, and registration (which issues tokens) is
another use case.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from learnplat.accounts.models import User
from learnplat.flowadmin import FlowAdminMixin
from learnplat.flows import accounts as accounts_flow

_PLATFORM: Any = (_("Learning platform"), {"fields": ("role",)})


#: Fields the accounts flows change (the rest of the change form is Django's own).
_ACCESS_FIELDS = ("role", "is_active")
_PROFILE_FIELDS = ("email", "first_name", "last_name")


class LearnplatPasswordChangeForm(AdminPasswordChangeForm):
    """Django's admin password form, saving through ``accounts_flow.change_password``."""

    def save(self, commit: bool = True) -> Any:
        if not commit:
            return super().save(commit=False)
        if self.cleaned_data.get("password1"):
            accounts_flow.change_password(
                user=self.user, new_password=self.cleaned_data["password1"]
            )
            return self.user
        # "Disable password-based authentication" (an unusable password): log out too.
        user = super().save(commit=True)
        accounts_flow.revoke_all_refresh_tokens(user=user)
        return user


class LearnplatUserAdmin(FlowAdminMixin, UserAdmin):
    """Django's ``UserAdmin`` with the platform ``role`` shown, filterable and editable."""

    list_display = ("username", "email", "first_name", "last_name", "role", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff", "is_superuser", "groups")
    fieldsets = (*(UserAdmin.fieldsets or ()), _PLATFORM)
    add_fieldsets = (*UserAdmin.add_fieldsets, _PLATFORM)
    actions = ["revoke_refresh_tokens"]
    change_password_form = LearnplatPasswordChangeForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        changed = set(form.changed_data)
        user = type(obj)._default_manager.get(pk=obj.pk)
        if changed & set(_ACCESS_FIELDS):
            accounts_flow.update_user_access(
                user=user,
                by=request.user,
                role=form.cleaned_data["role"] if "role" in changed else None,
                is_active=form.cleaned_data["is_active"] if "is_active" in changed else None,
            )
        profile = {name: form.cleaned_data[name] for name in _PROFILE_FIELDS if name in changed}
        if profile:
            accounts_flow.update_profile(user=user, **profile)
        own = [
            field.name
            for field in type(obj)._meta.concrete_fields
            if field.name in changed and field.name not in (*_ACCESS_FIELDS, *_PROFILE_FIELDS)
        ]
        if own:
            obj.save(update_fields=own)

    @admin.action(description=_("Log out everywhere (revoke refresh tokens)"))
    def revoke_refresh_tokens(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        revoked = sum(accounts_flow.revoke_all_refresh_tokens(user=user) for user in queryset)
        self.message_user(
            request,
            ngettext("%d refresh token revoked.", "%d refresh tokens revoked.", revoked) % revoked,
            messages.SUCCESS,
        )


if settings.AUTH_USER_MODEL == "learnplat_accounts.User":
    admin.site.register(User, LearnplatUserAdmin)

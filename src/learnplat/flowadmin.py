"""What learnplat's Django admin classes share: their saves go through the flows, and the
rows only flows write are read-only (:class:`ReadOnlyAdmin`).

A flow can refuse a save that the form could not foresee (a concurrent change, or a rule
only the flow knows, such as "a course keeps one instructor"). :class:`FlowAdminMixin`
shows its message on the page instead of a server error; the admin's transaction is rolled
back, so nothing of that save is kept::

    class CourseAdmin(FlowAdminMixin, admin.ModelAdmin): ...
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from learnplat.exceptions import LearnplatError


def https_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """A model field's form field, with ``https`` the scheme a URL typed without one gets.

    Django 6.0 made that the default; on 5.2 the form field warns unless told, and the URLs
    in our admin (webhook receivers, LTI platform endpoints) are https in practice. Use it as
    a ``ModelForm``'s ``Meta.formfield_callback``.
    """
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class FlowAdminMixin:
    """Mix into a ``ModelAdmin`` whose saves call flows."""

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)  # type: ignore[misc]
        except LearnplatError as exc:
            return self._refused(request, exc)

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Actions (drop, publish, ...) and bulk deletes call flows too.
        try:
            return super().changelist_view(request, *args, **kwargs)  # type: ignore[misc]
        except LearnplatError as exc:
            return self._refused(request, exc)

    def _refused(self, request: HttpRequest, exc: LearnplatError) -> HttpResponse:
        self.message_user(request, str(exc), messages.ERROR)  # type: ignore[attr-defined]
        return HttpResponseRedirect(request.get_full_path())


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that shows rows and changes none: for derived rows and those only flows
    write (progress, notifications)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

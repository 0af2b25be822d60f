"""The admin of LTI registrations: saves go through :mod:`learnplat.flows.lti`.

django-lti registers its own ``LtiRegistration`` admin, whose saves write the table
directly; learnplat replaces it with one that calls the flows, with the deployment ids as
one field (one per line) instead of an inline.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from lti_tool.models import LtiRegistration

from learnplat.flowadmin import FlowAdminMixin, ReadOnlyAdmin, https_formfield
from learnplat.flows import lti as lti_flows
from learnplat.lti.models import ResourceLinkBinding

_FIELDS = list(lti_flows.REGISTRATION_FIELDS)


class RegistrationForm(forms.ModelForm):
    deployment_ids = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="The platform's deployment ids launches are accepted from, one per line.",
    )

    class Meta:
        model = LtiRegistration
        fields = _FIELDS
        formfield_callback = https_formfield

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["deployment_ids"].initial = "\n".join(
                self.instance.deployments.filter(is_active=True)
                .order_by("pk")
                .values_list("deployment_id", flat=True)
            )

    def clean_deployment_ids(self) -> list[str]:
        lines = str(self.cleaned_data.get("deployment_ids") or "").splitlines()
        return [line.strip() for line in lines if line.strip()]


if admin.site.is_registered(LtiRegistration):
    admin.site.unregister(LtiRegistration)


@admin.register(LtiRegistration)
class RegistrationAdmin(FlowAdminMixin, admin.ModelAdmin):
    form = RegistrationForm
    list_display = ["name", "issuer", "client_id", "is_active"]
    fields = [*_FIELDS, "deployment_ids"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in _FIELDS}
        deployment_ids = form.cleaned_data["deployment_ids"]
        if change:
            lti_flows.update_registration(registration=obj, deployment_ids=deployment_ids, **values)
        else:
            obj.pk = lti_flows.create_registration(deployment_ids=deployment_ids, **values).pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        lti_flows.delete_registration(registration=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for registration in queryset:
            lti_flows.delete_registration(registration=registration)


@admin.register(ResourceLinkBinding)
class ResourceLinkBindingAdmin(ReadOnlyAdmin):
    list_display = ["resource_link", "course", "task", "created"]

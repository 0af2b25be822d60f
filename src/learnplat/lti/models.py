"""What binds LTI to learnplat's rows; the LTI side (registrations, deployments, keys,
platform users, contexts, resource links, line items) is django-lti's (``lti_tool``).

Only :mod:`learnplat.flows.lti` writes these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from learnplat.courses.models import Course, Task


class ResourceLinkBinding(models.Model):
    """What a platform's resource link opens: a course, or one task of it."""

    resource_link = models.OneToOneField(
        "lti_tool.LtiResourceLink",
        on_delete=models.CASCADE,
        related_name="learnplat_binding",
        verbose_name=_("resource link"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="lti_links", verbose_name=_("course")
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lti_links",
        verbose_name=_("task"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("LTI resource link binding")
        verbose_name_plural = _("LTI resource link bindings")

    def __str__(self) -> str:
        return f"{self.resource_link} → {self.task or self.course}"


class LaunchCode(models.Model):
    """A single-use, short-lived code the front end trades for a token pair after a launch.

    Only the code's SHA-256 is stored: a database dump holds no usable code.
    """

    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="+", verbose_name=_("course")
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("LTI launch code")
        verbose_name_plural = _("LTI launch codes")

    def __str__(self) -> str:
        return f"launch code of {self.user_id}"


class SpentNonce(models.Model):
    """A launch nonce already used once: pylti1p3 only checks that we issued it, so a
    replayed id_token would pass; the unique row makes the second use fail, also when two
    arrive at the same moment."""

    nonce = models.CharField(_("nonce"), max_length=255, unique=True)
    spent_at = models.DateTimeField(_("spent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("spent LTI nonce")
        verbose_name_plural = _("spent LTI nonces")

    def __str__(self) -> str:
        return self.nonce

"""Notifications of one user, their preferences, and the deadline reminders already sent.

``learnplat.flows.notify`` writes all three; docs/notifications.md describes them.

- ``Notification``: one message to one user. ``in_app`` is false when the user turned the
  in-app channel off for its kind but still gets the e-mail: the row carries what the e-mail
  says, and the notification list leaves it out. ``data`` is a snapshot taken when it was
  made (titles, scores), so it reads the same after the course changes.
- ``NotificationPreference``: a user's choice for one kind, one row per (user, kind) holding
  both channels; kinds without a row follow ``LEARNPLAT["NOTIFICATIONS"]["DEFAULT_PREFERENCES"]``.
- ``DeadlineReminder``: the guard that makes ``deadline_soon`` exactly once per (user, task):
  the unique constraint lets one of two concurrent senders insert the row and the other skip.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learnplat.courses.models import Task
from learnplat.notifications.choices import NotificationKind
from learnplat.notifications.querysets import NotificationQuerySet


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learnplat_notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    in_app = models.BooleanField(
        _("in the app"), default=True, help_text=_("Listed in the user's notifications.")
    )
    email_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ("-created", "-id")
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "in_app", "read_at"], name="lp_notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id} at {self.created:%Y-%m-%d %H:%M:%S}"


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="learnplat_notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    in_app = models.BooleanField(_("in the app"))
    email = models.BooleanField(_("e-mail"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="lp_notification_pref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.user_id}"


class DeadlineReminder(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="deadline_reminders")
    due_at = models.DateTimeField(_("due at"), help_text=_("The effective due date reminded of."))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "task"], name="lp_deadline_reminder_unique"),
        ]

    def __str__(self) -> str:
        return f"reminder of task {self.task_id} for {self.user_id}"

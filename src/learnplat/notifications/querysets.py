"""Reads of the notifications app: a user's notifications, and who is due a deadline reminder."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from learnplat.courses.choices import CourseStatus
from learnplat.courses.deadlines import window_for
from learnplat.courses.models import Enrollment, Extension, SectionDate, Task
from learnplat.notifications.choices import Channel, NotificationKind
from learnplat.progress.models import TaskProgress

if TYPE_CHECKING:
    from learnplat.notifications.models import Notification  # noqa: F401


class NotificationQuerySet(models.QuerySet["Notification"]):
    def listed_for(self, user: Any) -> NotificationQuerySet:
        """What ``GET notifications/`` shows ``user``: their own in-app notifications."""
        return self.filter(user_id=user.pk, in_app=True)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


@dataclass(frozen=True)
class ReminderDue:
    """One student who should hear that ``task`` is due at ``due_at`` (extensions applied)."""

    user_id: int
    task: Task
    due_at: datetime


def reminders_due(*, now: datetime, until: datetime) -> Iterator[ReminderDue]:
    """Active students of published courses whose effective due date of a published task they
    have not completed falls in ``(now, until]``, and who were not reminded of it yet. The
    effective due date is :func:`~learnplat.courses.deadlines.window_for`'s: the student's
    extension, else their section's date, else the task's.

    Six queries whatever the numbers: the tasks with a task, section or extension date in
    the window, the enrollments, the section dates, extensions, completions and reminders
    already sent of those tasks.
    """
    from learnplat.notifications.models import DeadlineReminder

    window = {"gt": now, "lte": until}
    in_window = lambda prefix: Q(**{f"{prefix}__{op}": at for op, at in window.items()})  # noqa: E731
    tasks = list(
        Task.objects.filter(is_published=True, course__status=CourseStatus.PUBLISHED)
        .filter(
            in_window("due_at")
            | in_window("section_dates__due_at")
            | in_window("extensions__due_at")
            | (Q(course__extensions__task__isnull=True) & in_window("course__extensions__due_at"))
        )
        .select_related("course")
        .distinct()
        .order_by("pk")
    )
    if not tasks:
        return
    course_ids = {task.course_id for task in tasks}
    task_ids = [task.pk for task in tasks]
    students: dict[int, list[int]] = {}
    section_of: dict[tuple[int, int], int] = {}
    for user_id, course_id, section_id in (
        Enrollment.objects.active()
        .students()
        .filter(course_id__in=course_ids)
        .order_by("user_id")
        .values_list("user_id", "course_id", "section_id")
    ):
        students.setdefault(course_id, []).append(user_id)
        if section_id is not None:
            section_of[(user_id, course_id)] = section_id
    section_dates: dict[tuple[int, int], SectionDate] = {
        (date.section_id, date.task_id): date
        for date in SectionDate.objects.filter(
            section_id__in=set(section_of.values()), task_id__in=task_ids
        )
    }
    extended: dict[tuple[int, int | None, int], Extension] = {
        (extension.user_id, extension.task_id, extension.course_id): extension
        for extension in Extension.objects.filter(course_id__in=course_ids)
    }
    done = set(
        TaskProgress.objects.filter(task_id__in=task_ids, completed=True).values_list(
            "user_id", "task_id"
        )
    )
    done |= set(
        DeadlineReminder.objects.filter(task_id__in=task_ids).values_list("user_id", "task_id")
    )
    for task in tasks:
        for user_id in students.get(task.course_id, []):
            if (user_id, task.pk) in done:
                continue
            # The task's own extension beats a course-wide one, as extension_for() chooses.
            extension = extended.get((user_id, task.pk, task.course_id)) or extended.get(
                (user_id, None, task.course_id)
            )
            placed = section_of.get((user_id, task.course_id))
            section_date = section_dates.get((placed, task.pk)) if placed else None
            due_at = window_for(task, extension, section_date).due_at
            if due_at is not None and now < due_at <= until:
                yield ReminderDue(user_id=user_id, task=task, due_at=due_at)


def preferences_of(user_id: int) -> dict[str, dict[str, bool]]:
    """``{kind: {channel: on}}`` of one user: their choices over
    ``LEARNPLAT["NOTIFICATIONS"]["DEFAULT_PREFERENCES"]`` (one query)."""
    from learnplat.conf import settings
    from learnplat.notifications.models import NotificationPreference

    chosen = {
        kind: {Channel.IN_APP: in_app, Channel.EMAIL: email}
        for kind, in_app, email in NotificationPreference.objects.filter(
            user_id=user_id
        ).values_list("kind", "in_app", "email")
    }
    defaults = settings.NOTIFICATIONS["DEFAULT_PREFERENCES"]
    return {
        str(kind): {
            str(channel): bool(chosen.get(kind, defaults.get(kind, {})).get(channel, False))
            for channel in Channel
        }
        for kind in NotificationKind
    }


def preferences_of_many(user_ids: list[int], kind: str) -> dict[int, dict[str, bool]]:
    """``{user_id: {channel: on}}`` for one ``kind``: what :func:`preferences_of` says of
    each user, in one query for all of them."""
    from learnplat.conf import settings
    from learnplat.notifications.models import NotificationPreference

    default = settings.NOTIFICATIONS["DEFAULT_PREFERENCES"].get(kind, {})
    chosen = {
        user_id: {Channel.IN_APP: in_app, Channel.EMAIL: email}
        for user_id, in_app, email in NotificationPreference.objects.filter(
            user_id__in=user_ids, kind=kind
        ).values_list("user_id", "in_app", "email")
    }
    return {
        user_id: {
            str(channel): bool(chosen.get(user_id, default).get(channel, False))
            for channel in Channel
        }
        for user_id in user_ids
    }

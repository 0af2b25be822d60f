"""Timed tasks: starting the clock, and the deadline a timed attempt must meet.

A task with ``time_limit_minutes`` is timed. A student starts it once
(:func:`start_task`, ``POST tasks/{id}/start/``); the deadline is fixed then:
``started_at + time_limit_minutes * time_multiplier`` (the student's accommodation), but
never after the student's effective ``closes_at`` (extensions, section dates). Changing the
limit, the multiplier or the dates later does not move a deadline already fixed.

:func:`check_timer` runs in ``flows.submit`` under the enrollment lock: a submission before
the start is 409 ``not_started``; after the deadline 409 ``time_expired``. The boundary is
inclusive, as the task's own dates are: a submission exactly at the deadline is accepted.

On a group task the timer is still per student: each member starts their own attempt and
submits within it (the group pools attempts and budgets, not time).

:func:`restart_start` (course staff, ``DELETE tasks/{id}/starts/{user_id}/``) ends a
student's current attempt so that they may start again: the row is kept with
``restarted_at`` / ``restarted_by`` (decision 0034). It locks the student's enrollment row,
the lock ``flows.submit`` holds while it checks the timer, so a submission racing a restart
is checked either before it (against the old deadline) or after it (``not_started``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from learnplat.courses.choices import CourseRole, CourseStatus, EnrollmentStatus
from learnplat.courses.deadlines import effective_window
from learnplat.courses.models import Course, Enrollment, Task
from learnplat.exceptions import Conflict, Forbidden, NotFound
from learnplat.flows import notify as notify_flow
from learnplat.notifications.choices import NotificationKind
from learnplat.progress.models import TaskProgress
from learnplat.serializers import course_summary_json
from learnplat.submissions.allowances import accommodation_of, timed_deadline
from learnplat.submissions.models import TaskStart

ALREADY_STARTED = "You have already started this task."
NOT_TIMED = "This task has no time limit."


@transaction.atomic
def start_task(*, task: Task, user: Any, now: datetime | None = None) -> TaskStart:
    """Start ``user``'s timed attempt at ``task``: the :class:`TaskStart` with its deadline.

    Checks, in order: an active student enrollment (403 ``not_enrolled``), a timed task
    (409 ``not_timed``), the course not archived and the user's window (409
    ``task_not_open`` / ``task_closed``), prerequisites (409 ``prerequisites_unmet``: the
    clock would run while the student could not submit), and one start per student (409
    ``already_started``; the unique (task, user) constraint makes it exact when two starts
    race).
    """
    enrollment = Enrollment.objects.filter(
        user=user, course_id=task.course_id, status=EnrollmentStatus.ACTIVE
    ).first()
    if enrollment is None or enrollment.role != CourseRole.STUDENT:
        raise Forbidden("Only students enrolled in this course can start it.", code="not_enrolled")
    if task.time_limit_minutes is None:
        raise Conflict(NOT_TIMED, code="not_timed")
    now = now or timezone.now()
    course = Course.objects.only("status").get(pk=task.course_id)
    if course.status == CourseStatus.ARCHIVED:
        raise Conflict("The course is archived.", code="task_closed")
    window = effective_window(task, user)
    if window.not_open_at(now):
        raise Conflict("This task is not open yet.", code="task_not_open")
    if window.closed_at(now):
        raise Conflict("This task is closed.", code="task_closed")
    required = set(task.prerequisites.values_list("pk", flat=True))
    if required - TaskProgress.objects.completed_task_ids(user, required):
        raise Conflict("Complete this task's prerequisites first.", code="prerequisites_unmet")
    if TaskStart.objects.current().filter(task=task, user=user).exists():
        raise Conflict(ALREADY_STARTED, code="already_started")
    deadline = timed_deadline(
        task=task,
        window=window,
        started_at=now,
        accommodation=accommodation_of(task.course_id, user),
    )
    try:
        with transaction.atomic():
            return TaskStart.objects.create(task=task, user=user, started_at=now, deadline=deadline)
    except IntegrityError:
        # A parallel start of the same student committed first.
        raise Conflict(ALREADY_STARTED, code="already_started") from None


@transaction.atomic
def restart_start(*, task: Task, user_id: int, by: Any, now: datetime | None = None) -> TaskStart:
    """End ``user_id``'s current attempt at the timed ``task`` so that they may start again.

    409 ``not_timed`` for a task without a time limit; 404 when the student has no current
    start. The start is kept, marked ``restarted_at`` (now) and ``restarted_by`` (``by``);
    the student's submissions stay as they are, and the student is told
    (``attempt_restarted``). Who may restart is the view's business.

    The student's enrollment row is locked first, as ``flows.submit`` locks it before it
    reads the timer: a submit waiting for the lock then finds no current start (409
    ``not_started``), one holding it commits before the restart reads the start. On a group
    task the timer is the member's own and so is the restart: nothing of the group is
    locked (a member's own row after the group's, the order of decision 0030, cannot close a
    cycle when it is the only lock held).
    """
    if task.time_limit_minutes is None:
        raise Conflict(NOT_TIMED, code="not_timed")
    list(
        Enrollment.objects.select_for_update()
        .filter(user_id=user_id, course_id=task.course_id)
        .values_list("pk", flat=True)
    )
    start = (
        TaskStart.objects.current().select_for_update().filter(task=task, user_id=user_id).first()
    )
    if start is None:
        raise NotFound("This student has no current start of this task.")
    start.restarted_at = now or timezone.now()
    start.restarted_by = by
    start.save(update_fields=["restarted_at", "restarted_by"])
    notify_flow.notify(
        user_id=user_id,
        kind=NotificationKind.ATTEMPT_RESTARTED,
        data={
            "task": {"id": task.pk, "title": str(task.title)},
            "course": course_summary_json(task.course),
            "time_limit_minutes": task.time_limit_minutes,
        },
    )
    return start


def check_timer(*, task: Task, user: Any, now: datetime) -> None:
    """409 ``not_started`` / ``time_expired`` for a timed task outside the user's attempt."""
    if task.time_limit_minutes is None:
        return
    start = TaskStart.objects.current().filter(task=task, user=user).only("deadline").first()
    if start is None:
        raise Conflict("Start this timed task before submitting.", code="not_started")
    if now > start.deadline:
        raise Conflict("The time for this task ran out.", code="time_expired")

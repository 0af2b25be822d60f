"""The events the flows record in the outbox, and the shape of each one's ``data``.

Each function here is called by the flow whose change it describes, inside that flow's
transaction, and records one :class:`learnplat.events.models.Event` through
:func:`learnplat.events.outbox.record_event` (docs/events.md has the catalogue and a JSON
Schema per type). Everything here is a no-op when ``learnplat.events`` is not installed.

Grades and release (decision 0036): a ``submission.graded`` or ``grade.changed`` of a task
whose scores the student cannot see yet (``learnplat.courses.release``) is recorded *held*:
no sink sees it until the scores are released, by :func:`task_released` (staff released the
task) or, for ``after_due`` tasks, by the periodic sender once the student's due date passed
(:func:`release_hold` checks again then, so an extension keeps it held). Receivers therefore
only ever learn released scores, and learn each of them once released.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.apps import apps

from learnplat.courses.deadlines import effective_window
from learnplat.courses.release import is_released, release_moment

if TYPE_CHECKING:
    from learnplat.courses.models import Course, Enrollment, Task
    from learnplat.events.models import Event
    from learnplat.progress.models import CourseProgress
    from learnplat.submissions.models import Evaluation, RegradeRequest, Submission

APP = "learnplat.events"

SUBMISSION_CREATED = "submission.created"
SUBMISSION_GRADED = "submission.graded"
GRADE_CHANGED = "grade.changed"
ENROLLMENT_CREATED = "enrollment.created"
ENROLLMENT_DROPPED = "enrollment.dropped"
COURSE_COMPLETED = "course.completed"
REGRADE_REQUEST_CREATED = "regrade_request.created"
REGRADE_REQUEST_RESOLVED = "regrade_request.resolved"
#: The types whose scores wait for the task's release.
GRADE_TYPES = (SUBMISSION_GRADED, GRADE_CHANGED)


def installed() -> bool:
    return apps.is_installed(APP)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, the form of every time in an event."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _record(
    type: str,
    data: dict[str, Any],
    *,
    course: Course | None,
    held: bool = False,
    deliver_after: datetime | None = None,
) -> Event | None:
    if not installed():
        return None
    from learnplat.events.outbox import record_event

    return record_event(type, data, course=course, held=held, deliver_after=deliver_after)


# -- submissions and grades ----------------------------------------------------------------


def _submission_data(submission: Submission) -> dict[str, Any]:
    from learnplat.flows.groups import owner_ids

    return {
        "submission": submission.pk,
        "course": submission.course.slug,
        "task": submission.task_id,
        "user": submission.user_id,
        "members": owner_ids(submission),
        "attempt": submission.attempt,
    }


def submission_created(*, submission: Submission) -> None:
    """From :func:`learnplat.flows.submit.submit`."""
    if not installed():
        return
    _record(
        SUBMISSION_CREATED,
        {**_submission_data(submission), "created_at": iso(submission.submitted_at)},
        course=submission.course,
    )


def _passed(submission: Submission) -> bool | None:
    """Whether the score reaches the task's pass mark (None: the kind has none, any grade
    completes it)."""
    from learnplat.progress.rules import Attempt, task_rule

    rule = task_rule(submission.task, submission.course)
    if rule.complete_when_graded:
        return None
    return rule.passes(Attempt.of(submission))


def _release_hold(task: Task, user_id: int) -> tuple[bool, datetime | None]:
    """``(held, deliver_after)`` for a grade of ``user_id`` on ``task`` now."""
    if is_released(task, effective_due_at=None):
        return False, None  # no query: immediate, or released by staff
    due_at = effective_window(task, user_id).due_at
    if is_released(task, effective_due_at=due_at):
        return False, None
    return True, release_moment(task, effective_due_at=due_at)


def grade_recorded(
    *, submission: Submission, evaluation: Evaluation, previous_score: float | None
) -> None:
    """From :func:`learnplat.flows.progress.record_grade`, the one place every grade passes:
    a submission's first standing score is ``submission.graded``, a later change of it
    ``grade.changed`` (the same rule as the notifications, ``learnplat.flows.notify``)."""
    from learnplat.flows.notify import was_counted
    from learnplat.submissions.choices import SubmissionStatus

    if not installed() or submission.status != SubmissionStatus.GRADED:
        return
    if submission.score is None or submission.score == previous_score:
        return
    changed = previous_score is not None and was_counted(submission, evaluation)
    data = {
        **_submission_data(submission),
        "score": submission.score,
        "max_score": submission.max_score,
    }
    if changed:
        data["previous_score"] = previous_score
    else:
        data.update(
            status=submission.status,
            passed=_passed(submission),
            graded_at=iso(evaluation.finished_at or evaluation.started_at),
        )
    held, deliver_after = _release_hold(submission.task, submission.user_id)
    _record(
        GRADE_CHANGED if changed else SUBMISSION_GRADED,
        data,
        course=submission.course,
        held=held,
        deliver_after=deliver_after,
    )


def task_released(*, task: Task) -> int:
    """From :func:`learnplat.flows.release.release_task`: free the task's held grades (they
    are sent once the release commits). Returns how many."""
    if not installed():
        return 0
    from learnplat.events.models import Event
    from learnplat.events.outbox import enqueue_on_commit

    held = Event.objects.not_fanned_out().filter(
        held=True, course_id=task.course_id, type__in=GRADE_TYPES, data__task=task.pk
    )
    ids = list(held.values_list("pk", flat=True))
    Event.objects.filter(pk__in=ids).update(held=False, deliver_after=None)
    enqueue_on_commit(ids)
    return len(ids)


def release_hold(event: Event) -> bool:
    """Whether a held event may go now; if so it is no longer held, else its
    ``deliver_after`` moves to the (maybe extended) release moment. Called at fan-out."""
    from learnplat.courses.models import Task
    from learnplat.events.models import Event

    if not event.held:
        return True
    task = Task.objects.filter(pk=event.data.get("task")).first()
    if task is None or event.type not in GRADE_TYPES:
        held, deliver_after = False, None
    else:
        held, deliver_after = _release_hold(task, int(event.data["user"]))
    Event.objects.filter(pk=event.pk).update(held=held, deliver_after=deliver_after)
    event.held, event.deliver_after = held, deliver_after
    return not held


# -- enrollments and completion ------------------------------------------------------------


def _enrollment_data(enrollment: Enrollment) -> dict[str, Any]:
    return {
        "enrollment": enrollment.pk,
        "course": enrollment.course.slug,
        "user": enrollment.user_id,
        "role": str(enrollment.role),
    }


def enrollment_created(*, enrollment: Enrollment) -> None:
    """From the enrollment flows, when a membership becomes active (new or back from dropped)."""
    if installed():
        _record(ENROLLMENT_CREATED, _enrollment_data(enrollment), course=enrollment.course)


def enrollment_dropped(*, enrollment: Enrollment) -> None:
    """From :func:`learnplat.flows.enrollment.drop`."""
    if installed():
        _record(ENROLLMENT_DROPPED, _enrollment_data(enrollment), course=enrollment.course)


def courses_completed(*, course: Course, rows: Iterable[CourseProgress]) -> None:
    """From :mod:`learnplat.flows.progress`, for the rows of ``course`` that just completed
    (a group's grade completes several at once: one insert for all)."""
    rows = list(rows)
    if not installed() or not rows:
        return
    from learnplat.events.outbox import record_events

    record_events(
        (
            COURSE_COMPLETED,
            {"course": course.slug, "user": row.user_id, "completed_at": iso(row.completed_at)},
            course,
        )
        for row in rows
    )


# -- regrade requests ----------------------------------------------------------------------


def _regrade_data(request: RegradeRequest, submission: Submission) -> dict[str, Any]:
    return {
        "regrade_request": request.pk,
        "submission": submission.pk,
        "course": submission.course.slug,
        "task": submission.task_id,
        "user": request.user_id,
        "status": str(request.status),
    }


def regrade_request_created(*, request: RegradeRequest, submission: Submission) -> None:
    """From :func:`learnplat.flows.regrade_requests.file_request`."""
    if installed():
        _record(
            REGRADE_REQUEST_CREATED, _regrade_data(request, submission), course=submission.course
        )


def regrade_request_resolved(*, request: RegradeRequest, submission: Submission) -> None:
    """From :func:`learnplat.flows.regrade_requests.resolve_request`."""
    if installed():
        _record(
            REGRADE_REQUEST_RESOLVED,
            _regrade_data(request, submission),
            course=submission.course,
        )

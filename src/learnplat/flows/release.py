"""Releasing a task's scores to its students (``POST tasks/{id}/release/``).

What a student sees before and after is decided on read by
:func:`learnplat.courses.release.is_released`; this flow only sets ``Task.released_at``,
records a ``release`` entry in each graded submission's history and tells the students.
Decision 0017 and docs/grading.md, "Release".
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from learnplat.courses.choices import ReleaseMode
from learnplat.courses.models import Task
from learnplat.exceptions import Conflict
from learnplat.flows import events, notify
from learnplat.notifications.choices import NotificationKind
from learnplat.submissions.choices import GradeChangeKind, SubmissionStatus
from learnplat.submissions.models import GradeChange, Submission


@transaction.atomic
def release_task(*, task: Task, by: Any) -> Task:
    """Release the scores of ``task`` to every student now.

    409 ``already_released`` for an ``immediate`` task or one released before. An
    ``after_due`` task whose due date has passed is released here all the same: staff
    releasing it early (or for students whose extension still runs) is the point, and
    ``released_at`` records when. The task row is locked, so of two parallel releases
    exactly one succeeds. Every graded submission of the task gets a ``release`` history
    entry (old and new score: its current score) in one insert, and each student with one
    gets one ``grades_released`` notification.
    """
    locked = Task.objects.select_for_update(of=("self",)).select_related("course").get(pk=task.pk)
    if locked.release == ReleaseMode.IMMEDIATE or locked.released_at is not None:
        raise Conflict("The scores of this task are already released.", code="already_released")
    now = timezone.now()
    locked.released_at = now
    locked.save(update_fields=["released_at", "modified"])
    graded = list(
        Submission.objects.filter(task=locked, status=SubmissionStatus.GRADED)
        .exclude(score__isnull=True)
        .order_by("pk")
        .values_list("pk", "user_id", "score")
    )
    actor = by if getattr(by, "is_authenticated", False) else None
    GradeChange.objects.bulk_create(
        GradeChange(
            submission_id=pk,
            at=now,
            actor=actor,
            kind=GradeChangeKind.RELEASE,
            old_score=score,
            new_score=score,
        )
        for pk, _, score in graded
    )
    events.task_released(task=locked)
    course = locked.course
    notify.notify_many(
        user_ids=sorted({user_id for _, user_id, _ in graded}),
        kind=NotificationKind.GRADES_RELEASED,
        data={
            "task": {"id": locked.pk, "title": locked.title},
            "course": {"slug": course.slug, "title": course.title},
        },
    )
    return locked

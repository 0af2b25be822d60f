"""Deadlines per student: extensions, and the lateness of past work when they change.

Granting, replacing or revoking an extension recomputes ``is_late`` and the late deduction
of that student's submissions in the same transaction (:func:`recompute_lateness`), which
updates their progress and tells the host through ``grade_changed`` on commit. The
adapter's ``save_extra()`` receives the extra fields of ``extension_create``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from learnplat.adapter import get_adapter
from learnplat.courses.deadlines import late_score, window_for
from learnplat.courses.models import Course, Enrollment, Extension, Task
from learnplat.courses.validation import check_description
from learnplat.exceptions import InvalidInput, NotFound
from learnplat.flows import progress
from learnplat.submissions.choices import EvaluationTrigger
from learnplat.submissions.models import Evaluation, Submission


@transaction.atomic
def grant_extension(
    *,
    granted_by: Any,
    course: Course,
    user: Any,
    task: Task | None = None,
    due_at: datetime,
    reason: str = "",
    extra: Mapping[str, Any] | None = None,
) -> Extension:
    """Give ``user`` its own due date for ``task`` (or every task of ``course`` when None).

    One extension per (user, task) and per (user, whole course): granting again replaces
    the date, the reason and who granted it. ``user`` must be an active student of the course.
    """
    errors: dict[str, list[str]] = {}
    if not Enrollment.objects.students().active().filter(course=course, user=user).exists():
        errors["user"] = ["Must be an enrolled student of this course."]
    if task is not None and task.course_id != course.pk:
        errors["task"] = ["Must be a task of this course."]
    try:
        check_description(reason, field="reason")
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    extension, _created = Extension.objects.update_or_create(
        user=user,
        course=course,
        task=task,
        defaults={"due_at": due_at, "granted_by": granted_by, "reason": reason},
    )
    recompute_lateness(user=user, course=course, task=task)
    get_adapter().save_extra(key="extension_create", instance=extension, data=dict(extra or {}))
    return extension


@transaction.atomic
def revoke_extension(*, extension: Extension) -> None:
    """Delete an extension: the user's submissions are judged by the task's own dates (or
    by a course-wide extension) again, and their grades and progress follow.

    404 ``not_found`` when it is already gone (two revokes at once: one wins).
    """
    locked = Extension.objects.select_for_update().filter(pk=extension.pk).first()
    if locked is None:
        raise NotFound("No such extension.")
    user, course, task = extension.user, extension.course, extension.task
    locked.delete()
    recompute_lateness(user=user, course=course, task=task)


@transaction.atomic
def recompute_lateness(*, user: Any, course: Course, task: Task | None = None) -> int:
    """Re-apply deadlines after a user's extension changed; returns how many grades changed.

    Call it after creating, changing or deleting an Extension (of ``task``, or course-wide
    when ``task`` is None). ``is_late`` and the late deduction are recomputed from the
    stored raw score; manual grades keep their score. Each changed grade leaves an
    Evaluation row (trigger ``deadline``) and sends ``grade_changed`` on commit.
    """
    submissions = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("task", "course")
        .filter(user=user, course=course)
        .order_by("pk")
    )
    if task is not None:
        submissions = submissions.filter(task=task)
    extensions = list(Extension.objects.filter(user=user, course=course))
    course_wide = next((e for e in extensions if e.task_id is None), None)
    by_task = {e.task_id: e for e in extensions if e.task_id is not None}
    now = timezone.now()
    changed = 0
    for submission in submissions:
        window = window_for(submission.task, by_task.get(submission.task_id, course_wide))
        is_late = window.is_late(submission.submitted_at)
        score = submission.score
        if submission.raw_score is not None and not submission.manually_graded:
            score = late_score(
                submission.raw_score,
                task=submission.task,
                window=window,
                submitted_at=submission.submitted_at,
            )
        if is_late == submission.is_late and score == submission.score:
            continue
        previous_score = submission.score
        submission.is_late, submission.score = is_late, score
        submission.save(update_fields=["is_late", "score"])
        if score == previous_score:
            continue
        changed += 1
        evaluation = Evaluation.objects.create(
            submission=submission,
            trigger=EvaluationTrigger.DEADLINE,
            evaluator="deadline",
            reason="The deadline changed.",
            raw_score=submission.raw_score,
            score=score,
            max_score=submission.max_score,
            feedback=submission.feedback,
            started_at=now,
            finished_at=now,
        )
        progress.record_grade(
            submission=submission, evaluation=evaluation, previous_score=previous_score
        )
    return changed

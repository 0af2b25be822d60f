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
from django.db.models import Q, QuerySet
from django.utils import timezone

from learnplat.adapter import get_adapter
from learnplat.courses.deadlines import late_score, section_dates_of, window_for
from learnplat.courses.models import (
    Course,
    Enrollment,
    Extension,
    GroupMembership,
    SectionDate,
    Task,
)
from learnplat.courses.validation import check_description
from learnplat.exceptions import InvalidInput, NotFound
from learnplat.flows import late_days, progress
from learnplat.submissions.choices import EvaluationTrigger, GradeChangeKind
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
    recompute_lateness(user=user, course=course, task=task, by=granted_by)
    get_adapter().save_extra(key="extension_create", instance=extension, data=dict(extra or {}))
    return extension


@transaction.atomic
def revoke_extension(*, extension: Extension, by: Any = None) -> None:
    """Delete an extension: the user's submissions are judged by the task's own dates (or
    by a course-wide extension) again, and their grades and progress follow (``by``, who
    revoked it, is the grade history's actor).

    404 ``not_found`` when it is already gone (two revokes at once: one wins).
    """
    locked = Extension.objects.select_for_update().filter(pk=extension.pk).first()
    if locked is None:
        raise NotFound("No such extension.")
    user, course, task = extension.user, extension.course, extension.task
    locked.delete()
    recompute_lateness(user=user, course=course, task=task, by=by)


@transaction.atomic
def recompute_lateness(
    *,
    user: Any,
    course: Course,
    task: Task | None = None,
    by: Any = None,
    kind: str = GradeChangeKind.EXTENSION,
) -> int:
    """Re-apply deadlines after a user's extension changed; returns how many grades changed.

    Call it after creating, changing or deleting an Extension (of ``task``, or course-wide
    when ``task`` is None). ``is_late`` and the late deduction are recomputed from the
    stored raw score; manual grades keep their score. Each changed grade leaves an
    Evaluation row (trigger ``deadline``, triggered by ``by``), a grade history entry of
    ``kind`` and sends ``grade_changed`` on commit.
    """
    submissions = Submission.objects.filter(user=user, course=course)
    if task is not None:
        submissions = submissions.filter(task=task)
    extensions = Extension.objects.filter(user=user, course=course)
    return _reapply_deadlines(submissions, extensions, by=by, kind=kind)


@transaction.atomic
def recompute_students_lateness(*, course: Course, user_ids: Any, by: Any = None) -> int:
    """Re-apply deadlines to the past submissions of ``user_ids`` in ``course`` after their
    section (or its dates) changed; returns how many grades changed. ``late_policy``
    history entries, as for a change of the task's own dates."""
    submissions = Submission.objects.filter(course=course, user_id__in=user_ids)
    extensions = Extension.objects.filter(course=course, user_id__in=user_ids)
    return _reapply_deadlines(submissions, extensions, by=by, kind=GradeChangeKind.LATE_POLICY)


@transaction.atomic
def recompute_task_lateness(*, task: Task, by: Any = None) -> int:
    """Re-apply ``task``'s dates and late policy to every student's past submissions of it;
    returns how many grades changed.

    :func:`learnplat.flows.authoring.update_task` calls it when ``due_at``, ``closes_at``
    or ``late_policy`` changed. The same rule as :func:`recompute_lateness` (extensions
    respected, manual grades keep their score), with ``late_policy`` history entries. One
    query reads the task's submissions and one its extensions, whatever the number of
    students; each changed grade then costs its own writes and progress upkeep.
    """
    submissions = Submission.objects.filter(task=task)
    extensions = Extension.objects.filter(course_id=task.course_id).filter(
        Q(task=task) | Q(task__isnull=True)
    )
    return _reapply_deadlines(
        submissions, extensions, by=by, kind=GradeChangeKind.LATE_POLICY, task=task
    )


def _section_dates_of(rows: list[Submission]) -> dict[tuple[int, int], SectionDate]:
    """(user, task) → the section date that applies, for every submission in ``rows``: two
    queries whatever their number."""
    if not rows:
        return {}
    return section_dates_of(
        course_ids={row.course_id for row in rows},
        user_ids={row.user_id for row in rows},
        task_ids={row.task_id for row in rows},
    )


_REASONS: dict[str, str] = {
    GradeChangeKind.EXTENSION: "The student's extension changed.",
    GradeChangeKind.LATE_POLICY: "The task's due date, close date or late policy, or the "
    "student's section or its dates, changed.",
}


def _reapply_deadlines(
    submissions: QuerySet[Submission],
    extensions: QuerySet[Extension],
    *,
    by: Any,
    kind: str,
    task: Task | None = None,
) -> int:
    """The one rule of both recomputes: each submission judged by its own effective window."""
    rows = submissions.select_for_update(of=("self",)).select_related("course").order_by("pk")
    if task is None:
        rows = rows.select_related("task")
    chosen: dict[tuple[int, int | None], Extension] = {
        (e.user_id, e.task_id): e for e in extensions
    }
    locked = list(rows)
    section_dates = _section_dates_of(locked)
    now = timezone.now()
    changed = 0
    given_back: dict[Task, set[int]] = {}
    for submission in locked:
        if task is not None:
            submission.task = task
        extension = chosen.get((submission.user_id, submission.task_id)) or chosen.get(
            (submission.user_id, None)
        )
        window = window_for(
            submission.task, extension, section_dates.get((submission.user_id, submission.task_id))
        )
        is_late = window.is_late(submission.submitted_at)
        # Late days only come back here (decision 0026): a later due date needs fewer.
        late_by = window.late_by(submission.submitted_at)
        days = min(submission.late_days_used, late_days.days_needed(late_by))
        score = submission.score
        if submission.raw_score is not None and not submission.manually_graded:
            score = late_score(
                submission.raw_score,
                task=submission.task,
                window=window,
                submitted_at=submission.submitted_at,
                late_days_used=days,
            )
        if (
            is_late == submission.is_late
            and score == submission.score
            and days == submission.late_days_used
        ):
            continue
        previous_score, previous_days = submission.score, submission.late_days_used
        submission.is_late, submission.score = is_late, score
        submission.late_days_used = days
        submission.save(update_fields=["is_late", "score", "late_days_used"])
        if days != previous_days:
            given_back.setdefault(submission.task, set()).update(_member_ids(submission))
        if score == previous_score:
            continue
        changed += 1
        evaluation = Evaluation.objects.create(
            submission=submission,
            trigger=EvaluationTrigger.DEADLINE,
            triggered_by=by,
            evaluator="deadline",
            reason=_reason(kind, previous_days - days),
            raw_score=submission.raw_score,
            score=score,
            max_score=submission.max_score,
            feedback=submission.feedback,
            started_at=now,
            finished_at=now,
        )
        progress.record_grade(
            submission=submission,
            evaluation=evaluation,
            previous_score=previous_score,
            previous_status=submission.status,
            history_kind=GradeChangeKind.LATE_DAYS if days != previous_days else kind,
        )
    for changed_task, user_ids in given_back.items():
        late_days.resettle(task=changed_task, user_ids=user_ids)
    return changed


def _reason(kind: str, days_back: int) -> str:
    if days_back > 0:
        return f"{days_back} late day{'s' if days_back != 1 else ''} given back."
    return _REASONS.get(kind, "The deadline changed.")


def _member_ids(submission: Submission) -> list[int]:
    """Who a submission charged: the group's members, or its user."""
    if submission.group_id is None:
        return [submission.user_id]
    return list(
        GroupMembership.objects.filter(group_id=submission.group_id).values_list(
            "user_id", flat=True
        )
    )

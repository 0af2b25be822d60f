"""Grading by staff: a manual grade or override, regrades, and requeues.

Every function runs in one transaction; evaluations are enqueued and the host's signals
sent on commit. The adapter's ``save_extra()`` receives the extra fields of
``submission_grade`` with the Evaluation row the grade made.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from learnplat.adapter import get_adapter
from learnplat.courses.models import Task
from learnplat.exceptions import InvalidInput
from learnplat.flows import assignment, evaluate, progress, rubrics
from learnplat.flows.submit import grader_queue_for
from learnplat.submissions.choices import EvaluationTrigger, RegradeScope, SubmissionStatus
from learnplat.submissions.models import Evaluation, RubricAssessment, Submission
from learnplat.submissions.querysets import REGRADE_SCOPES


@transaction.atomic
def grade(
    *,
    submission: Submission,
    by: Any,
    score: float,
    feedback: str | None = "",
    reason: str = "",
    extra: Mapping[str, Any] | None = None,
    history_kind: str | None = None,
) -> Submission:
    """Grade a submission by hand, or override its grade: the ``score`` given is final.

    400 with the error on ``score`` unless it is between 0 and the submission's
    ``max_score``. No late deduction is applied to it. Any evaluation in flight loses its
    lease, so its result is discarded. Leaves an Evaluation row (trigger ``manual``) and a
    grade history entry (``manual``, or ``override`` of a counted score, with ``reason``),
    and sends ``grade_changed`` on commit. ``feedback=None`` keeps the submission's
    feedback; ``history_kind`` names the history entry's kind where ``manual``/``override``
    would not tell it (``import``, by :mod:`learnplat.flows.gradebook_import`).

    409 ``already_claimed`` while another grader holds an unexpired claim on the submission
    (:mod:`learnplat.flows.assignment`); grading clears the claim.
    """
    locked = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("task", "course")
        .get(pk=submission.pk)
    )
    if locked.task.rubric_id is not None:
        raise InvalidInput(
            {"score": ["This task is graded with its rubric: send `rubric`, not `score`."]}
        )
    if not 0 <= score <= locked.max_score:
        raise InvalidInput({"score": [f"Must be between 0 and {locked.max_score:g}."]})
    return _record_manual_grade(
        locked,
        by=by,
        score=score,
        feedback=feedback,
        reason=reason,
        extra=extra,
        history_kind=history_kind,
    )


def _record_manual_grade(
    locked: Submission,
    *,
    by: Any,
    score: float,
    feedback: str | None,
    reason: str,
    extra: Mapping[str, Any] | None,
    result: dict[str, Any] | None = None,
    history_kind: str | None = None,
) -> Submission:
    """Store a final ``score`` given by ``by`` on the locked submission: the row, an
    Evaluation (trigger ``manual``), the host's extra fields, the grade history and
    progress (one path for :func:`grade` and :func:`grade_with_rubric`)."""
    now = timezone.now()
    if assignment.held_by_other(locked, by, now=now):
        raise assignment.already_claimed()
    previous_score, previous_status = locked.score, locked.status
    if feedback is None:
        feedback = locked.feedback
    locked.status = SubmissionStatus.GRADED
    locked.raw_score = score
    locked.score = score
    locked.feedback = feedback
    locked.evaluated_at = now
    locked.manually_graded = True
    locked.lease_token = None
    locked.lease_expires_at = None
    locked.not_before = None
    locked.last_error = ""
    locked.claimed_by = None
    locked.claimed_at = None
    locked.save(
        update_fields=[
            "claimed_by",
            "claimed_at",
            "status",
            "raw_score",
            "score",
            "feedback",
            "evaluated_at",
            "manually_graded",
            "lease_token",
            "lease_expires_at",
            "not_before",
            "last_error",
        ]
    )
    evaluation = Evaluation.objects.create(
        submission=locked,
        trigger=EvaluationTrigger.MANUAL,
        triggered_by=by,
        evaluator="manual",
        reason=reason,
        result=result or {},
        raw_score=score,
        score=score,
        max_score=locked.max_score,
        feedback=feedback,
        started_at=now,
        finished_at=now,
    )
    get_adapter().save_extra(key="submission_grade", instance=evaluation, data=dict(extra or {}))
    progress.record_grade(
        submission=locked,
        evaluation=evaluation,
        previous_score=previous_score,
        previous_status=previous_status,
        always=True,
        history_kind=history_kind,
    )
    return locked


@transaction.atomic
def grade_with_rubric(
    *,
    submission: Submission,
    by: Any,
    rubric: Sequence[Mapping[str, Any]],
    feedback: str = "",
    reason: str = "",
    extra: Mapping[str, Any] | None = None,
) -> Submission:
    """Grade a submission of a task with a rubric: one level per criterion of the task's
    (current) rubric, each with an optional comment.

    The score is computed, never given: the chosen levels' points, plus, where the task's
    kind grades automatically, the automatic part of the latest evaluation
    (:func:`learnplat.flows.rubrics.automatic_part`). 400 on ``rubric`` for an unknown
    criterion, a criterion twice, a level of another criterion or a missing criterion, with
    nothing written. The submission's RubricAssessment rows are replaced in the transaction
    of the grade; the picks are also kept in the Evaluation's ``result`` (``rubric``), so the
    history keeps earlier ones. Otherwise as :func:`grade` (no late deduction, history,
    progress, ``grade_changed``).
    """
    locked = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("task", "course")
        .get(pk=submission.pk)
    )
    task = locked.task
    if task.rubric_id is None:
        raise InvalidInput({"rubric": ["This task has no rubric: send `score` instead."]})
    picks = rubrics.clean_picks(rubric_id=task.rubric_id, picks=rubric)
    rubric_score = float(sum(pick.level.points for pick in picks))
    automatic = rubrics.automatic_part(locked)
    score = min(rubric_score + (automatic or 0.0), locked.max_score)
    now = timezone.now()
    RubricAssessment.objects.filter(submission=locked).delete()
    RubricAssessment.objects.bulk_create(
        RubricAssessment(
            submission=locked,
            criterion=pick.criterion,
            level=pick.level,
            points=pick.level.points,
            comment=pick.comment,
            grader=by if getattr(by, "pk", None) is not None else None,
            graded_at=now,
        )
        for pick in picks
    )
    result = {
        "rubric": [
            {
                "criterion": pick.criterion.pk,
                "level": pick.level.pk,
                "points": pick.level.points,
                "comment": pick.comment,
            }
            for pick in picks
        ],
        "rubric_id": task.rubric_id,
        "rubric_score": rubric_score,
        "automatic_score": automatic,
    }
    return _record_manual_grade(
        locked,
        by=by,
        score=score,
        feedback=feedback,
        reason=reason,
        extra=extra,
        result=result,
    )


@transaction.atomic
def regrade(*, submission_ids: Sequence[int], by: Any = None) -> int:
    """Queue a fresh evaluation of each submission; returns how many were queued.

    The current score stays on the row until the new result lands (then the signals run as
    for any evaluation); progress hears of the status change at once (``record_result``). An
    evaluation in flight loses its lease. The pending evaluation runs against the task's
    current kind, config and deadlines.
    """
    ids = list(submission_ids)
    if not ids:
        return 0
    now = timezone.now()
    rows = Submission.objects.select_for_update().filter(pk__in=ids)
    task_ids = set(rows.values_list("task_id", flat=True))
    in_process: list[int] = []
    queued = 0
    for task in Task.objects.filter(pk__in=task_ids):
        grader_queue = grader_queue_for(task)
        of_task = list(rows.filter(task=task).values_list("pk", flat=True))
        queued += Submission.objects.filter(pk__in=of_task).update(
            status=SubmissionStatus.QUEUED,
            evaluation_trigger=EvaluationTrigger.REGRADE,
            evaluation_requested_by=by,
            grader_queue=grader_queue,
            queued_at=now,
            not_before=None,
            lease_token=None,
            lease_expires_at=None,
            tries=0,
            last_error="",
        )
        if grader_queue is None:
            in_process += of_task
    for submission in Submission.objects.filter(pk__in=ids).select_related("task", "course"):
        progress.record_result(submission=submission)
    evaluate.enqueue_on_commit(in_process)
    return queued


def regrade_task(
    *,
    task: Task,
    scope: str = RegradeScope.LATEST,
    by: Any = None,
    user: Any = None,
    include_manual: bool = False,
    batch_size: int = 200,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Regrade a task's submissions: each student's ``latest`` or ``best`` one, or ``all``.

    Submissions graded by hand keep their grade unless ``include_manual``. Works in batches
    of ``batch_size`` (one transaction each), calling ``on_progress(done, total)`` after
    each; returns how many were queued.
    """
    if scope not in REGRADE_SCOPES:
        raise InvalidInput({"scope": [f"One of {', '.join(REGRADE_SCOPES)}."]})
    targets = Submission.objects.filter(task=task)
    if user is not None:
        targets = targets.filter(user=user)
    targets = targets.in_regrade_scope(scope)
    if not include_manual:
        targets = targets.filter(manually_graded=False)
    ids = list(targets.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch_size):
        done += regrade(submission_ids=ids[start : start + batch_size], by=by)
        if on_progress is not None:
            on_progress(min(start + batch_size, len(ids)), len(ids))
    return done


@transaction.atomic
def requeue(*, submissions: QuerySet[Submission]) -> int:
    """Retry ``queued`` and ``failed`` submissions now (the admin's "requeue" action).

    Rows being evaluated or already graded are left alone (the sweeper and regrade cover
    those). Failed rows start again with a fresh count of tries.
    """
    now = timezone.now()
    # Lock the submission rows only (the caller's queryset may join users, tasks, courses).
    ids = list(
        Submission.objects.select_for_update()
        .filter(
            pk__in=list(submissions.values_list("pk", flat=True)),
            status__in=[SubmissionStatus.QUEUED, SubmissionStatus.FAILED],
        )
        .values_list("pk", flat=True)
    )
    Submission.objects.filter(pk__in=ids, status=SubmissionStatus.FAILED).update(
        status=SubmissionStatus.QUEUED, tries=0
    )
    Submission.objects.filter(pk__in=ids).update(queued_at=now, not_before=None)
    evaluate.enqueue_on_commit(
        Submission.objects.filter(pk__in=ids).in_process().values_list("pk", flat=True)
    )
    return len(ids)

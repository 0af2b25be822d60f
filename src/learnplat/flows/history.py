"""Grade history: one ``GradeChange`` row per change of a submission's counted score.

:func:`learnplat.flows.progress.record_grade`, the one place every grade goes through, calls
:func:`grade_recorded` in the grade's transaction; it derives the kind from the Evaluation
row the grade made:

==================================  =========================================================
trigger ``submit``                   ``auto`` (an evaluator's result; no actor)
trigger ``regrade``                  ``regrade`` (actor: who asked for the regrade, if anyone)
trigger ``manual``                   ``manual`` when the submission had no counted score
                                     before (never graded, failed, or waiting for review),
                                     ``override`` when it had one (actor: the grader)
trigger ``deadline``                 ``extension`` or ``late_policy``, as the deadline flow
                                     says (actor: who changed the extension or the task)
==================================  =========================================================

A score *counts* as progress counts it (``learnplat.progress.rules.Attempt.is_scored``): a
score that waits for review does not. An entry is written only when the counted score
changed, except staff grades (manual, override and import), which are always written: re-saving the
same score with a reason is a decision worth keeping.

Other flows write their own kinds (``release``, a regrade request's acceptance) through
:func:`record_change`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from learnplat.submissions.choices import EvaluationTrigger, GradeChangeKind, SubmissionStatus
from learnplat.submissions.models import Evaluation, GradeChange, Submission

_KIND_OF_TRIGGER: dict[str, str] = {
    EvaluationTrigger.SUBMIT: GradeChangeKind.AUTO,
    EvaluationTrigger.REGRADE: GradeChangeKind.REGRADE,
    # A deadline recompute that did not say why is a change of the task's own dates.
    EvaluationTrigger.DEADLINE: GradeChangeKind.LATE_POLICY,
}
_STAFF_KINDS = frozenset({GradeChangeKind.MANUAL, GradeChangeKind.OVERRIDE, GradeChangeKind.IMPORT})


@transaction.atomic
def record_change(
    *,
    submission: Submission,
    kind: str,
    actor: Any,
    old_score: float | None,
    new_score: float | None,
    reason: str = "",
    evaluation: Evaluation | None = None,
) -> GradeChange:
    """Write one history entry as given (the caller decides that the change is one)."""
    if kind not in GradeChangeKind.values:
        raise ValueError(f"Unknown grade change kind {kind!r}.")
    return GradeChange.objects.create(
        submission=submission,
        kind=kind,
        actor=actor,
        old_score=old_score,
        new_score=new_score,
        reason=reason,
        evaluation=evaluation,
    )


def counted_score(score: float | None, status: str | None) -> float | None:
    """The score progress counts: none while the submission waits for review."""
    return None if status == SubmissionStatus.NEEDS_REVIEW else score


def grade_recorded(
    *,
    submission: Submission,
    evaluation: Evaluation,
    previous_score: float | None,
    previous_status: str | None = None,
    kind: str | None = None,
) -> GradeChange | None:
    """Record the grade ``evaluation`` just gave ``submission``, when it is history.

    ``previous_status`` is the submission's status before the grade (None: one whose score
    counted if it had one, as while a worker evaluates it); ``kind`` overrides the kind
    derived from the evaluation's trigger.
    """
    old = counted_score(previous_score, previous_status)
    new = counted_score(submission.score, submission.status)
    if kind is None:
        if evaluation.trigger == EvaluationTrigger.MANUAL:
            kind = GradeChangeKind.OVERRIDE if old is not None else GradeChangeKind.MANUAL
        else:
            kind = _KIND_OF_TRIGGER.get(evaluation.trigger, GradeChangeKind.AUTO)
    if old == new and kind not in _STAFF_KINDS:
        return None
    return GradeChange.objects.create(
        submission=submission,
        kind=kind,
        actor_id=None if kind == GradeChangeKind.AUTO else evaluation.triggered_by_id,
        old_score=old,
        new_score=new,
        reason=evaluation.reason,
        evaluation=evaluation,
    )

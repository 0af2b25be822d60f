"""Whether a submission's grade is released to its owner: the one rule every view of a
score, a comment or an identity reads (docs/grading.md, "Release")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from learnplat.courses.deadlines import effective_window
from learnplat.courses.release import is_released

if TYPE_CHECKING:
    from learnplat.submissions.models import Submission


def released_to_owner(submission: Submission) -> bool:
    """Whether the owner of ``submission`` may see its score, by the one rule
    (:func:`learnplat.courses.release.is_released`). Reads ``release_due_at`` from
    ``Submission.objects.with_release_dates()`` when the row has it, else asks the database
    for the owner's extension (one query, only for an unreleased ``after_due`` task)."""
    task = submission.task
    if is_released(task, effective_due_at=None):
        return True
    if hasattr(submission, "release_due_at"):
        due_at = submission.release_due_at
    else:
        due_at = effective_window(task, submission.user_id).due_at
    return is_released(task, effective_due_at=due_at)

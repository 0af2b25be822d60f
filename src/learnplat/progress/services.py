"""Incremental upkeep of the progress read models.

The submissions pipeline calls these inside its own transaction:

- ``record_submission(submission=...)`` right after ``submit()`` inserts a submission;
- ``record_result(submission=...)`` after a submission's status/score changed (evaluated,
  failed, manually graded, regraded).

Their full implementation lands with the progress work (issue 4); until then they keep no
read model, which the progress API does not read yet either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from learnplat.submissions.models import Submission


def record_submission(*, submission: Submission) -> None:
    """Count a new attempt on the student's TaskProgress (O(1), no re-read of history)."""


def record_result(*, submission: Submission) -> None:
    """Fold a submission's new score/status into TaskProgress and CourseProgress (O(1))."""

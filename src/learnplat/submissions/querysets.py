"""Read queries of the submissions app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from learnplat.submissions.models import Evaluation, Submission  # noqa: F401


class SubmissionQuerySet(models.QuerySet["Submission"]):
    pass


class EvaluationQuerySet(models.QuerySet["Evaluation"]):
    pass

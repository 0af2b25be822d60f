"""Signals of the submissions app, all sent after the transaction that caused them commits.

=====================  =============================================================
``submission_created``  ``submission``: a student's submission was stored (queued).
``submission_evaluated`` ``submission``, ``evaluation``: an evaluation run finished
                         (graded, needs_review, or failed after the last try).
``grade_changed``       ``submission``, ``evaluation``, ``previous_score``, ``score``,
                         ``trigger``: the submission's score changed, or staff graded it.
=====================  =============================================================

``sender`` is always the ``Submission`` model. Receivers run through ``send_robust``: an
exception in one is logged (logger ``learnplat.submissions``) and does not undo the grade.
See docs/signals.md.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger("learnplat.submissions")

submission_created = Signal()
submission_evaluated = Signal()
grade_changed = Signal()


def send_on_commit(signal: Signal, **kwargs: Any) -> None:
    """Send ``signal`` (sender ``Submission``) once the current transaction commits."""
    from learnplat.submissions.models import Submission

    def send() -> None:
        for receiver, response in signal.send_robust(sender=Submission, **kwargs):
            if isinstance(response, Exception):
                logger.error("Signal receiver %r failed", receiver, exc_info=response)

    transaction.on_commit(send)

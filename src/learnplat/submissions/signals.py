"""Signals of the submissions app, all sent after the transaction that caused them commits.

=====================  =============================================================
``submission_created``  ``submission``: a student's submission was stored (queued).
``submission_evaluated`` ``submission``, ``evaluation``: an evaluation run finished
                         (graded, needs_review, or failed after the last try).
``grade_changed``       ``submission``, ``evaluation``, ``previous_score``, ``score``,
                         ``trigger``: the submission's score changed, or staff graded it.
=====================  =============================================================

``sender`` is always the ``Submission`` model. Receivers run through ``send_robust``: an
exception in one is logged (logger ``learnplat.signals``) and does not undo the grade
(:mod:`learnplat.signals`).
See docs/signals.md.
"""

from __future__ import annotations

from django.dispatch import Signal

submission_created = Signal()
submission_evaluated = Signal()
grade_changed = Signal()

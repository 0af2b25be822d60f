"""Sending learnplat's public signals: always after commit, never able to break a request.

learnplat's signals (``user_registered``, ``submission_created``, ``submission_evaluated``,
``grade_changed``, ``course_completed``) are notifications for the host project: what
happened, once it is committed. learnplat never calls itself through them; its own
follow-up work is a direct call in ``learnplat.flows``. Every flow sends them through
:func:`send_on_commit`, so:

- nothing is sent for a transaction that rolls back;
- every receiver runs (``send_robust``), and one that raises is logged on the
  ``learnplat.signals`` logger with its traceback, without touching the committed change
  or the response the client gets.

Example, in a host app's ``ready()``::

    from learnplat.submissions.signals import grade_changed

    def email_student(sender, submission, score, **kwargs):
        ...

    grade_changed.connect(email_student, dispatch_uid="myapp.email_student")
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger("learnplat.signals")

__all__ = ["send_now", "send_on_commit"]


def send_now(signal: Signal, *, sender: Any, **kwargs: Any) -> None:
    """Send ``signal`` to every receiver, logging (never raising) what a receiver raised."""
    for receiver, response in signal.send_robust(sender=sender, **kwargs):
        if isinstance(response, Exception):
            logger.error("A receiver of a learnplat signal failed: %r", receiver, exc_info=response)


def send_on_commit(signal: Signal, *, sender: Any, **kwargs: Any) -> None:
    """Send ``signal`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send_now(signal, sender=sender, **kwargs))

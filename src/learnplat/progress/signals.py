"""Signals of the progress app, all sent after the transaction that caused them commits.

``course_completed``
    A student's course progress became complete: every published task of the course is
    completed. Sent with ``sender=CourseProgress`` and keyword arguments ``user_id``,
    ``course_id`` and ``course_progress`` (the row as committed). It fires on the transition
    from not completed to completed, so once per student and course unless completion is
    later lost (a grade lowered, a task added) and regained. ``learnplat_recompute_progress``
    never sends it; ``refresh_course_totals`` does. Receivers run with ``robust=True``: an
    error is logged and does not undo the grade::

        from django.dispatch import receiver
        from learnplat.progress.signals import course_completed

        @receiver(course_completed)
        def issue_certificate(sender, user_id, course_id, course_progress, **kwargs):
            ...
"""

from __future__ import annotations

from django.dispatch import Signal

course_completed = Signal()

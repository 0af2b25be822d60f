"""Signals of the courses app, sent *inside* the transaction of the change they announce.

They let the apps that depend on courses keep their own rows in line without courses
importing them (dependencies run progress → submissions → courses, never back; see
docs/decisions/0003-signals-across-app-boundaries.md). Because they are sent inside the
transaction with ``send`` (not ``send_robust``), what receivers write commits or rolls back
with the change, and a receiver's error undoes the change.

``extension_changed`` (``user``, ``course``, ``task``: None for a course-wide extension)
    An ``Extension`` was created, changed or deleted (``services.grant_extension``,
    ``services.revoke_extension``, the admin). ``learnplat.submissions`` recomputes the
    lateness and late deduction of the user's submissions
    (``submissions.services.recompute_lateness``), which updates their progress.

``course_grading_changed`` (``course``)
    What the course's tasks are worth changed: a published task was created or deleted, a
    task was published or unpublished, a task's ``max_score``, ``weight`` or ``kind``
    changed, or the course's ``grading_policy`` changed (``services.create_task``,
    ``update_task``, ``delete_task``, ``update_course``, the admin). ``learnplat.progress``
    rebuilds the course's progress rows (``progress.services.refresh_course_totals``).

Both are sent with ``sender`` set to the model class (``Extension``, ``Course``)::

    from learnplat.courses.signals import course_grading_changed

    def forget_cached_gradebook(sender, course, **kwargs):
        cache.delete(f"gradebook:{course.pk}")

    course_grading_changed.connect(forget_cached_gradebook, dispatch_uid="myapp.gradebook")
"""

from __future__ import annotations

from django.dispatch import Signal

extension_changed = Signal()
course_grading_changed = Signal()

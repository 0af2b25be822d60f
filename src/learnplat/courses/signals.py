"""Signals of the courses app.

``extension_changed`` (``user``, ``course``, ``task``: None for a course-wide extension) is sent
*inside* the transaction that created, changed or deleted an ``Extension``, so what receivers
write commits or rolls back with it. It lets apps that depend on courses react without courses
importing them: ``learnplat.submissions`` recomputes the lateness and late deduction of the
user's submissions (``submissions.services.recompute_lateness``).
"""

from __future__ import annotations

from django.dispatch import Signal

extension_changed = Signal()

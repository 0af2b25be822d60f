"""A task backend that records what is enqueued and runs nothing (it can defer, like the
db and RQ backends), for asserting what the pipeline asks of a worker backend."""

from __future__ import annotations

from typing import Any, ClassVar

try:
    from django.tasks.backends.base import BaseTaskBackend
except ImportError:  # Django 5.2
    from django_tasks.backends.base import BaseTaskBackend  # type: ignore[no-redef]


class RecordingBackend(BaseTaskBackend):
    supports_defer = True
    enqueued: ClassVar[list[tuple[Any, tuple[Any, ...], dict[str, Any]]]] = []

    def enqueue(self, task: Any, args: Any, kwargs: Any) -> None:
        self.validate_task(task)
        RecordingBackend.enqueued.append((task, tuple(args), dict(kwargs)))


RECORDING_TASKS = {
    "default": {"BACKEND": "tests.submissions.backends.RecordingBackend"},
}

"""Django's tasks API: ``django.tasks`` on Django 6.x, the ``django_tasks`` backport on 5.2."""

from __future__ import annotations

try:
    from django.tasks import TaskResultStatus, default_task_backend, task, task_backends
    from django.tasks.base import Task, TaskContext

    TASKS_MODULE = "django.tasks"
except ImportError:  # Django 5.2
    from django_tasks import (  # type: ignore[no-redef,import-not-found,assignment,unused-ignore]
        TaskResultStatus,
        default_task_backend,
        task,
        task_backends,
    )
    from django_tasks.base import Task, TaskContext  # type: ignore[no-redef,import-not-found,assignment,unused-ignore]

    TASKS_MODULE = "django_tasks"

__all__ = [
    "TASKS_MODULE",
    "Task",
    "TaskContext",
    "TaskResultStatus",
    "default_task_backend",
    "task",
    "task_backends",
]

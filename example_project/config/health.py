"""The example project's readiness check of its task queue (LEARNPLAT["HEALTH"]).

learnplat's own ``check_tasks`` runs the backend's system checks; a worker queue is only
usable when its broker answers, so for TASKS_BACKEND=rq this pings Redis and for ``db`` it
reads the task table.
"""

from __future__ import annotations

from django.conf import settings

from learnplat.health import check_tasks as check_backend


def check_tasks() -> None:
    check_backend()
    if settings.TASKS_BACKEND == "rq":
        import django_rq

        django_rq.get_connection("default").ping()
    elif settings.TASKS_BACKEND == "db":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()

"""Host shape for tests with real worker processes: the learnplat user shape plus
django-tasks-db and django-rq, and the misbehaving test evaluators.

The test process and the worker subprocesses it starts both load this module. In the test
process it is the learnplat user shape plus the two apps; in a worker (started by
``tests/submissions/workers.py``) the environment carries what the test chose, so both sides
agree::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lp_submissions \
        pytest --ds tests.projects.workers.settings -m slow tests/submissions

- ``LEARNPLAT_TEST_TASK_BACKEND``: ``EVALUATION["TASK_BACKEND"]``, one of ``default``
  (immediate), ``db``, ``rq``; default ``default``.
- ``LEARNPLAT_TEST_EVALUATION``: JSON merged into ``EVALUATION``; default ``{}``.
- ``LEARNPLAT_TEST_EVENTS``: JSON merged into ``EVENTS`` (the outbox); default ``{}``, the
  immediate backend. Webhooks may call loopback receivers.
- ``LEARNPLAT_TEST_WEBHOOKS``: JSON merged into ``WEBHOOKS``; default ``{}``.
- ``LEARNPLAT_WORKER_APPS``: comma-separated optional apps added to ``INSTALLED_APPS``, e.g.
  ``learnplat.xapi`` (whose ``ready()`` registers its sink), for a worker whose test needs
  them; unset, nothing is added. The test process never sets it for itself: the other tests
  count the outbox's sinks without those apps (``learnplat.lti`` is in every shape already).
- ``LEARNPLAT_TEST_XAPI``: JSON for ``XAPI`` (the LRS the worker's xapi sink posts to).
- ``LEARNPLAT_TEST_REDIS_URL``: the RQ queue's Redis; default ``redis://127.0.0.1:6379/3``.
- ``LEARNPLAT_TEST_TRACES``: a file; the worker's spans are appended to it as JSON lines
  (``tests/spans.py``), so a test can follow a trace from its own process into the worker.
"""

import json
import os

from tests.projects.learnplat_user.settings import *  # noqa: F403
from tests.projects.learnplat_user.settings import INSTALLED_APPS, TASKS_PREFIX
from tests.submissions.kinds import TEST_EVALUATORS

INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db", "django_rq"]
_worker_apps = [app.strip() for app in os.environ.get("LEARNPLAT_WORKER_APPS", "").split(",")]
INSTALLED_APPS += [app for app in dict.fromkeys(_worker_apps) if app and app not in INSTALLED_APPS]

WORKER_QUEUE = "learnplat-tests"
TASKS = {
    "default": {"BACKEND": f"{TASKS_PREFIX}.backends.immediate.ImmediateBackend"},
    "db": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [WORKER_QUEUE]},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [WORKER_QUEUE]},
}
RQ_QUEUES = {
    WORKER_QUEUE: {
        "URL": os.environ.get("LEARNPLAT_TEST_REDIS_URL", "redis://127.0.0.1:6379/3"),
        "DEFAULT_TIMEOUT": 60,
    }
}

# The learnplat user shape, as far as every other test can tell.
LEARNPLAT_HOST_SHAPE = "learnplat_user"

if "LEARNPLAT_TEST_TASK_BACKEND" in os.environ:
    # A worker subprocess: run what the test configured (it sets the same in its own process).
    _backend = os.environ["LEARNPLAT_TEST_TASK_BACKEND"]
    LEARNPLAT = {
        "EVALUATORS": TEST_EVALUATORS,
        "EVALUATION": {
            "TASK_BACKEND": _backend,
            "QUEUE_NAME": "default" if _backend == "default" else WORKER_QUEUE,
            **json.loads(os.environ.get("LEARNPLAT_TEST_EVALUATION", "{}")),
        },
        # Outbox deliveries stay in-process (immediate) unless the test moves them: the
        # pipeline tests count the worker's task rows.
        "EVENTS": json.loads(os.environ.get("LEARNPLAT_TEST_EVENTS", "{}")),
        # The tests' webhook receivers listen on loopback.
        "WEBHOOKS": {
            "ALLOW_PRIVATE_URLS": True,
            **json.loads(os.environ.get("LEARNPLAT_TEST_WEBHOOKS", "{}")),
        },
    }
    if os.environ.get("LEARNPLAT_TEST_XAPI"):
        LEARNPLAT["XAPI"] = json.loads(os.environ["LEARNPLAT_TEST_XAPI"])
    # The worker's learnplat logs as JSON lines on stdout (the test reads the worker's log).
    LOGGING = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "learnplat.logs.ContextFilter"}},
        "formatters": {"json": {"()": "learnplat.logs.JSONFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "filters": ["context"],
                "formatter": "json",
            }
        },
        "loggers": {"learnplat": {"handlers": ["stdout"], "level": "INFO"}},
    }

if os.environ.get("LEARNPLAT_TEST_TRACES"):
    from tests.spans import JSONLinesExporter, install

    install(JSONLinesExporter(os.environ["LEARNPLAT_TEST_TRACES"]))

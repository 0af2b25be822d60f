"""gunicorn settings of the example project (read from the working directory).

With several workers, Prometheus metrics need prometheus-client's multiprocess mode: set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory before gunicorn starts; each worker then
writes its samples there, ``/metrics`` adds them up, and a worker that exits is marked dead so
its gauges stop counting (docs/operations.md, Metrics).
"""

import os
import shutil
from pathlib import Path


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        # Samples of an earlier run would be added to this one's.
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

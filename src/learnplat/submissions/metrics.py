"""The submissions app's scrape-time metrics: two grouped counts, read when Prometheus asks
(``LEARNPLAT["METRICS"]["COLLECTORS"]``; docs/operations.md, Metrics)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count

from learnplat.submissions.choices import SubmissionStatus
from learnplat.submissions.models import Submission
from learnplat.submissions.pipeline import evaluation_setting


class SubmissionsCollector:
    """``learnplat_submissions{status}`` and ``learnplat_queue_depth{queue}``: two queries
    per scrape, on indexed columns (status; status + grader_queue)."""

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        by_status = GaugeMetricFamily(
            "learnplat_submissions", "Submissions by status.", labels=["status"]
        )
        counts = dict(
            Submission.objects.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        for status in SubmissionStatus.values:
            by_status.add_metric([status], counts.get(status, 0))
        yield by_status
        depth = GaugeMetricFamily(
            "learnplat_queue_depth",
            "Queued submissions by queue: the task backend for in-process kinds, "
            "external:<queue> for external graders.",
            labels=["queue"],
        )
        backend = f"tasks:{evaluation_setting('TASK_BACKEND')}"
        queued = (
            Submission.objects.filter(status=SubmissionStatus.QUEUED)
            .order_by()
            .values_list("grader_queue")
            .annotate(n=Count("pk"))
            .values_list("grader_queue", "n")
        )
        seen = {backend: 0}
        for queue, n in queued:
            key = backend if queue is None else f"external:{queue}"
            seen[key] = seen.get(key, 0) + n
        for key, n in sorted(seen.items()):
            depth.add_metric([key], n)
        yield depth

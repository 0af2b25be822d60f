"""The gradebook as CSV: a header row with the task titles, then one row per student.

Values that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) are prefixed with a quote, as OWASP advises for CSV exports.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from learnplat.courses.models import Task
from learnplat.progress.reports import ProgressReport

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FIGURE_COLUMNS = ("score", "max_score", "percent", "tasks_completed", "tasks_total", "completed_at")


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def safe_text(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _number(value: Any) -> Any:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else value


def gradebook_csv(reports: Iterable[ProgressReport], tasks: list[Task]) -> Iterator[str]:
    """Lines of the CSV, one per yield (the header first)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(
        [
            "user_id",
            "username",
            "first_name",
            "last_name",
            *(safe_text(task.title) for task in tasks),
            *FIGURE_COLUMNS,
        ]
    )
    for report in reports:
        user = report.user
        figures = report.figures
        yield writer.writerow(
            [
                user.pk,
                safe_text(user.get_username()),
                safe_text(getattr(user, "first_name", "")),
                safe_text(getattr(user, "last_name", "")),
                *(_number(cell.score) for cell in report.cells),
                *(_number(figures[name]) for name in FIGURE_COLUMNS),
            ]
        )

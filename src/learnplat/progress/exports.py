"""The gradebook as CSV: a header row with the task titles, then one row per student.

Values that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) are prefixed with a quote, as OWASP advises for CSV exports.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from learnplat.courses.models import Task
from learnplat.progress.reports import ProgressReport

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FIGURE_COLUMNS = (
    "score", "max_score", "percent", "letter", "tasks_completed", "tasks_total", "completed_at",
)  # fmt: skip


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


def csv_groups(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The group columns of a course's CSV: none for a course without assignment groups
    (its one implicit group would repeat ``percent``)."""
    return groups if any(group["group"] is not None for group in groups) else []


#: The student columns that open every row (the gradebook import reads the first two).
STUDENT_COLUMNS = ("user_id", "username", "first_name", "last_name")


def gradebook_header(
    tasks: list[Task],
    groups: list[dict[str, Any]],
    group_sets: Sequence[tuple[int, str]] = (),
) -> list[str]:
    """The CSV's header row: the student columns, one per task title, one per assignment
    group, the course figures, then the student's group in each group set ("<set> group",
    decision 0030). The import demands exactly this row."""
    return [
        *STUDENT_COLUMNS,
        *(safe_text(task.title) for task in tasks),
        *(safe_text(f"{group['name']} %") for group in groups),
        *FIGURE_COLUMNS,
        *(safe_text(f"{name} group") for _, name in group_sets),
    ]


def gradebook_csv(
    reports: Iterable[ProgressReport],
    tasks: list[Task],
    groups: list[dict[str, Any]],
    group_sets: Sequence[tuple[int, str]] = (),
) -> Iterator[str]:
    """Lines of the CSV, one per yield (the header first): the task scores, each assignment
    group's percent (``groups``: the course's, in order, as the figures list them), the
    course figures, then the student's group name in each of ``group_sets``."""
    group_ids = [group["group"] for group in groups]
    writer = csv.writer(_Echo())
    yield writer.writerow(gradebook_header(tasks, groups, group_sets))
    for report in reports:
        user = report.user
        figures = report.figures
        percents = {group["group"]: group["percent"] for group in figures["groups"]}
        yield writer.writerow(
            [
                user.pk,
                safe_text(user.get_username()),
                safe_text(getattr(user, "first_name", "")),
                safe_text(getattr(user, "last_name", "")),
                *(_number(cell.score) for cell in report.cells),
                *(_number(percents.get(group)) for group in group_ids),
                *(_number(figures[name]) for name in FIGURE_COLUMNS),
                *(safe_text(report.student_groups.get(pk, (None, ""))[1]) for pk, _ in group_sets),
            ]
        )

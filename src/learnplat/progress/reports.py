"""Progress as the API shows it: one report per (student, course), built from the rows
that ``learnplat.progress.querysets`` fetched, with zeros where a student has no row yet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from learnplat.courses.models import Course, Enrollment, Task
from learnplat.progress.choices import TaskProgressStatus
from learnplat.progress.models import CourseProgress, TaskProgress
from learnplat.progress.querysets import gradebook_rows, published_tasks, username_field
from learnplat.progress.rules import CourseTotals, course_values, task_rule

#: The CourseProgress fields the API shows.
FIGURES = ("score", "max_score", "percent", "tasks_completed", "tasks_total", "completed_at")


@dataclass(frozen=True)
class TaskCell:
    """A student's standing on one task; ``row`` is None before their first submission."""

    task: Task
    row: TaskProgress | None

    @property
    def score(self) -> float | None:
        return self.row.score if self.row else None

    @property
    def best_score(self) -> float | None:
        return self.row.best_score if self.row else None

    @property
    def attempts(self) -> int:
        return self.row.attempts if self.row else 0

    @property
    def status(self) -> str:
        return self.row.status if self.row else TaskProgressStatus.NOT_STARTED

    @property
    def completed(self) -> bool:
        return self.row.completed if self.row else False


@dataclass
class ProgressReport:
    """One student's progress in one course.

    ``row`` is None until the student's first submission in the course; the figures are
    then zeros out of what the published ``tasks`` are worth (``totals``, computed when
    not given).
    """

    course: Course
    user: Any
    row: CourseProgress | None
    tasks: list[Task]
    task_rows: dict[int, TaskProgress] = field(default_factory=dict)
    totals: CourseTotals | None = None

    @property
    def figures(self) -> dict[str, Any]:
        if self.row is not None:
            return {name: getattr(self.row, name) for name in FIGURES}
        totals = self.totals or course_totals_of(self.course, self.tasks)
        return course_values(totals, 0, 0, None)

    @property
    def cells(self) -> list[TaskCell]:
        return [TaskCell(task, self.task_rows.get(task.pk)) for task in self.tasks]


def course_totals_of(course: Course, tasks: Iterable[Task]) -> CourseTotals:
    return CourseTotals.of(task_rule(task, course) for task in tasks)


def _prefetched(
    course: Course, user: Any, holder: Any, tasks: list[Task], totals: CourseTotals | None = None
) -> ProgressReport:
    """A report from the ``lp_course_rows`` / ``lp_task_rows`` prefetched onto ``holder``."""
    return ProgressReport(
        course=course,
        user=user,
        row=next(iter(holder.lp_course_rows), None),
        tasks=tasks,
        task_rows={row.task_id: row for row in holder.lp_task_rows},
        totals=totals,
    )


def reports_of_enrollments(enrollments: Iterable[Enrollment], user: Any) -> list[ProgressReport]:
    """Reports of a page of :func:`~learnplat.progress.querysets.my_course_enrollments`."""
    reports = []
    for enrollment in enrollments:
        course: Any = enrollment.course
        reports.append(_prefetched(course, user, course, course.lp_published_tasks))
    return reports


def course_report(course: Course, user: Any) -> ProgressReport:
    """``user``'s progress in ``course`` (three queries)."""
    rows = TaskProgress.objects.filter(user=user, course=course).of_published_tasks()
    return ProgressReport(
        course=course,
        user=user,
        row=CourseProgress.objects.filter(user=user, course=course).first(),
        tasks=list(published_tasks(course)),
        task_rows={row.task_id: row for row in rows},
    )


def reports_of_students(
    enrollments: Iterable[Enrollment], course: Course, tasks: list[Task]
) -> list[ProgressReport]:
    """Reports of a page of :func:`~learnplat.progress.querysets.gradebook_students`, their
    progress rows read in two queries as named tuples (they read like the model rows)."""
    page = list(enrollments)
    totals = course_totals_of(course, tasks)
    course_rows, task_rows = gradebook_rows(course, [e.user_id for e in page])
    figures = {row.user_id: row for row in course_rows}
    cells: dict[int, dict[int, Any]] = {}
    for row in task_rows:
        cells.setdefault(row.user_id, {})[row.task_id] = row
    return [
        ProgressReport(
            course=course,
            user=e.user,
            row=figures.get(e.user_id),
            tasks=tasks,
            task_rows=cells.get(e.user_id, {}),
            totals=totals,
        )
        for e in page
    ]


def stream_gradebook(
    students: QuerySet[Enrollment], course: Course, tasks: list[Task], *, chunk_size: int = 1000
) -> Iterator[ProgressReport]:
    """Every student's report, streamed: three queries in all, whatever the size.

    The students, their course rows and their task rows are read as three server-side
    cursors in the same order (username, user id) and merged, so memory holds one chunk.
    """
    order = (f"user__{username_field()}", "user_id")
    user_ids = students.values("user_id")
    course_rows = (
        CourseProgress.objects.filter(course=course, user_id__in=user_ids)
        .order_by(*order)
        .iterator(chunk_size=chunk_size)
    )
    task_rows = (
        TaskProgress.objects.filter(course=course, user_id__in=user_ids)
        .of_published_tasks()
        .order_by(*order, "task_id")
        .iterator(chunk_size=chunk_size)
    )
    totals = course_totals_of(course, tasks)
    next_course_row = next(course_rows, None)
    next_task_row = next(task_rows, None)
    for enrollment in students.order_by(*order).iterator(chunk_size=chunk_size):
        report = ProgressReport(course, enrollment.user, None, tasks, totals=totals)
        # Rows of students not yet reached stay at the head: same order, same student set.
        if next_course_row is not None and next_course_row.user_id == enrollment.user_id:
            report.row, next_course_row = next_course_row, next(course_rows, None)
        while next_task_row is not None and next_task_row.user_id == enrollment.user_id:
            report.task_rows[next_task_row.task_id] = next_task_row
            next_task_row = next(task_rows, None)
        yield report

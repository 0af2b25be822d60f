"""Progress as the API shows it: one report per (student, course), built from the rows
that ``learnplat.progress.querysets`` fetched, with zeros where a student has no row yet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import QuerySet

from learnplat.courses.models import AssignmentGroup, Course, Enrollment, Task
from learnplat.courses.release import is_released
from learnplat.progress.choices import TaskProgressStatus
from learnplat.progress.models import CourseProgress, TaskProgress
from learnplat.progress.querysets import (
    gradebook_rows,
    published_tasks,
    student_groups,
    username_field,
)
from learnplat.progress.rules import (
    CourseRule,
    Standing,
    TaskMark,
    TaskRule,
    course_rule,
    standing,
    task_rule,
)
from learnplat.submissions.anonymity import masked_task_ids

#: The CourseProgress fields the API shows.
FIGURES = (
    "score",
    "max_score",
    "percent",
    "tasks_completed",
    "tasks_total",
    "completed_at",
    "letter",
    "groups",
)


def released_to_student(task: Task) -> bool:
    """Whether the student of the report sees ``task``'s scores (their effective due date is
    annotated on ``task`` by ``with_effective_dates``; the task's own when it is not)."""
    due = getattr(task, "effective_due_at", task.due_at)
    return is_released(task, effective_due_at=due)


@dataclass(frozen=True)
class TaskCell:
    """A student's standing on one task; ``row`` is None before their first submission.

    ``released`` False hides the score and the completion, as the student would see them.
    """

    task: Task
    row: TaskProgress | None
    released: bool = True
    dropped: bool = False

    @property
    def score(self) -> float | None:
        return self.row.score if self.row and self.released else None

    @property
    def best_score(self) -> float | None:
        return self.row.best_score if self.row and self.released else None

    @property
    def attempts(self) -> int:
        return self.row.attempts if self.row else 0

    @property
    def status(self) -> str:
        if self.row is None:
            return TaskProgressStatus.NOT_STARTED
        if not self.released and self.row.status == TaskProgressStatus.COMPLETED:
            return TaskProgressStatus.ATTEMPTED
        return str(self.row.status)

    @property
    def completed(self) -> bool:
        return bool(self.row.completed) if self.row and self.released else False


@dataclass
class ProgressReport:
    """One student's progress in one course.

    Staff reads (``student_view`` False) show the stored ``row``, which counts every score;
    before the student's first submission the figures are zeros out of what the published
    ``tasks`` are worth. The student's own reads (``student_view``) are computed from the
    task rows with the tasks not released to them counted as not graded yet
    (docs/grading.md, "Release").
    """

    course: Course
    user: Any
    row: CourseProgress | None
    tasks: list[Task]
    task_rows: dict[int, TaskProgress] = field(default_factory=dict)
    rule: CourseRule = field(default_factory=CourseRule)
    student_view: bool = False
    empty: dict[str, Any] | None = None
    #: Tasks whose cells a staff read hides (anonymous grading, not released: decision
    #: 0021): left out of the cells and of the figures, as if not graded yet.
    masked: frozenset[int] = frozenset()
    #: The student's groups, by group set id: ``(group id, group name)`` (decision 0030).
    student_groups: dict[int, tuple[int, str]] = field(default_factory=dict)

    @cached_property
    def hidden(self) -> frozenset[int]:
        """Tasks whose scores the reader does not see yet: the student's unreleased ones,
        or for staff the masked ones."""
        if not self.student_view:
            return self.masked
        return frozenset(task.pk for task in self.tasks if not released_to_student(task))

    @property
    def visible_task_rows(self) -> dict[int, Any]:
        """``task_rows`` without the masked tasks' rows."""
        if not self.masked:
            return self.task_rows
        return {pk: row for pk, row in self.task_rows.items() if pk not in self.masked}

    @cached_property
    def figures(self) -> dict[str, Any]:
        if self.student_view or self.masked:
            # Points from the counted score under the task's rule as it is now: a weight or
            # max_score change shows at once, before a background recompute reaches the rows.
            rules = {r.task_id: r for r in task_rules_of(self.course, self.tasks)}
            marks = {
                task: TaskMark(rules[task].points(row.score), row.completed, row.completed_at)
                for task, row in self.task_rows.items()
                if task not in self.hidden and task in rules
            }
            return api_figures(standing(self.rule, rules.values(), marks))
        if self.row is not None:
            figures = {name: getattr(self.row, name) for name in FIGURES}
            return {**figures, "letter": figures["letter"] or None}
        if self.empty is not None:
            return self.empty
        return empty_figures(self.course, self.tasks, self.rule)

    @cached_property
    def dropped(self) -> frozenset[int]:
        return frozenset(task for group in self.figures["groups"] for task in group["dropped"])

    @property
    def cells(self) -> list[TaskCell]:
        hidden, dropped, rows = self.hidden, self.dropped, self.visible_task_rows
        return [
            TaskCell(task, rows.get(task.pk), task.pk not in hidden, task.pk in dropped)
            for task in self.tasks
        ]


def task_rules_of(course: Course, tasks: Iterable[Task]) -> list[TaskRule]:
    return [task_rule(task, course) for task in tasks]


def api_figures(result: Standing) -> dict[str, Any]:
    """The figures as the API and the stored row hold them (no letter: None)."""
    values = result.values()
    return {**{name: values[name] for name in FIGURES}, "letter": values["letter"] or None}


def empty_figures(course: Course, tasks: Iterable[Task], rule: CourseRule) -> dict[str, Any]:
    """The figures of a student with nothing graded yet."""
    return api_figures(standing(rule, task_rules_of(course, tasks), {}))


def rule_of(course: Course, groups: Iterable[AssignmentGroup] | None = None) -> CourseRule:
    """The course's grading rule; its groups are read unless given (prefetched)."""
    if groups is None:
        groups = AssignmentGroup.objects.filter(course=course)
    return course_rule(course, groups)


def reports_of_enrollments(enrollments: Iterable[Enrollment], user: Any) -> list[ProgressReport]:
    """Reports of a page of :func:`~learnplat.progress.querysets.my_course_enrollments`."""
    reports = []
    for enrollment in enrollments:
        course: Any = enrollment.course
        reports.append(
            ProgressReport(
                course=course,
                user=user,
                row=next(iter(course.lp_course_rows), None),
                tasks=course.lp_published_tasks,
                task_rows={row.task_id: row for row in course.lp_task_rows},
                rule=rule_of(course, course.lp_groups),
                student_view=True,
            )
        )
    return reports


def course_report(
    course: Course, user: Any, *, student_view: bool = True, viewer: Any = None
) -> ProgressReport:
    """``user``'s progress in ``course`` (five queries, six when they are in a section), as
    they see it (``student_view``) or as course staff (``viewer``) do."""
    rows = TaskProgress.objects.filter(user=user, course=course).of_published_tasks()
    tasks = list(published_tasks(course).with_attached_effective_dates(user))
    return ProgressReport(
        course=course,
        user=user,
        row=CourseProgress.objects.filter(user=user, course=course).first(),
        tasks=tasks,
        task_rows={row.task_id: row for row in rows},
        rule=rule_of(course),
        student_view=student_view,
        masked=frozenset() if student_view else masked_task_ids(tasks, viewer),
    )


def reports_of_students(
    enrollments: Iterable[Enrollment],
    course: Course,
    tasks: list[Task],
    *,
    masked: frozenset[int] = frozenset(),
) -> list[ProgressReport]:
    """Reports of a page of :func:`~learnplat.progress.querysets.gradebook_students`, their
    progress rows read in two queries as named tuples (they read like the model rows)."""
    page = list(enrollments)
    empty = empty_figures(course, tasks, rule_of(course))
    course_rows, task_rows = gradebook_rows(course, [e.user_id for e in page])
    groups = student_groups(course, [e.user_id for e in page])
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
            empty=empty,
            masked=masked,
            student_groups=groups.get(e.user_id, {}),
        )
        for e in page
    ]


def stream_gradebook(
    students: QuerySet[Enrollment],
    course: Course,
    tasks: list[Task],
    *,
    chunk_size: int = 1000,
    masked: frozenset[int] = frozenset(),
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
    empty = empty_figures(course, tasks, rule_of(course))
    # One query, held in memory: a name per student and group set is small.
    groups = student_groups(course)
    next_course_row = next(course_rows, None)
    next_task_row = next(task_rows, None)
    for enrollment in students.order_by(*order).iterator(chunk_size=chunk_size):
        report = ProgressReport(
            course,
            enrollment.user,
            None,
            tasks,
            empty=empty,
            masked=masked,
            student_groups=groups.get(enrollment.user_id, {}),
        )
        # Rows of students not yet reached stay at the head: same order, same student set.
        if next_course_row is not None and next_course_row.user_id == enrollment.user_id:
            report.row, next_course_row = next_course_row, next(course_rows, None)
        while next_task_row is not None and next_task_row.user_id == enrollment.user_id:
            report.task_rows[next_task_row.task_id] = next_task_row
            next_task_row = next(task_rows, None)
        yield report

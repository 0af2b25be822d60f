"""Gradebook import: the gradebook CSV, edited in a spreadsheet, read back as grades.

:func:`read_csv` turns the uploaded bytes into rows (413 ``file_too_large`` over
``LEARNPLAT["GRADING"]["IMPORT_MAX_BYTES"]``, 400 ``too_many_rows`` over ``IMPORT_MAX_ROWS``,
400 ``invalid_file`` for bytes that are not UTF-8 text or not CSV); :func:`import_gradebook`
compares them with the course's standing and answers every change and every row error. It
writes only when asked to (``dry_run=False``) and no row has an error, in one transaction,
every change through :func:`learnplat.flows.grading.grade` with history kind ``import``,
the uploader as actor and the reason ``gradebook import``.

Which cells count (docs/grading.md, "Gradebook import"):

- the header must be the export's (``learnplat.progress.exports.gradebook_header``) for the
  course's published tasks as they are now, or the whole file is one error on row 1;
- rows are told apart by ``user_id``, whose ``username`` must match, of a student the
  gradebook lists; a student may appear once;
- only the task columns are read (group percents and course figures are computed); an
  empty cell or the score the gradebook already shows is no change;
- a change is a number from 0 to the task's ``max_score``, on a task without a rubric (its
  score is the rubric's sum) and, under anonymous grading, whose grades are released
  (matching a name to an unreleased anonymous grade would de-anonymise it).

A change lands on the submission that counts under the course's grading policy (the best
or the latest graded attempt), else on the student's latest attempt (waiting for review or
evaluation); a student with no submission gets one made for the grade (an empty answer,
the next attempt). Under the ``best`` policy a score lower than another attempt's would not
be the counted one, which is a row error too: what the diff shows is what the gradebook
shows afterwards.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from learnplat.conf import settings
from learnplat.courses.choices import GradingPolicy
from learnplat.courses.models import Course, Task
from learnplat.exceptions import BadRequest, PayloadTooLarge
from learnplat.flows import grading, progress
from learnplat.progress.exports import STUDENT_COLUMNS, csv_groups, gradebook_header, safe_text
from learnplat.progress.models import TaskProgress
from learnplat.progress.querysets import gradebook_students, group_sets_of, published_tasks
from learnplat.progress.reports import empty_figures, released_to_student, rule_of
from learnplat.progress.rules import Attempt, fold, task_rule
from learnplat.submissions.choices import GradeChangeKind, SubmissionStatus
from learnplat.submissions.models import Submission

#: The history reason of every imported grade.
IMPORT_REASON = "gradebook import"
_CHUNK = 64 * 1024
_TOLERANCE = 1e-9


@dataclass
class Change:
    """One score the import sets: ``submission`` None when one is to be made for it."""

    user: Any
    task: Task
    old_score: float | None
    new_score: float
    row: int
    submission_id: int | None = None


@dataclass
class RowError:
    row: int
    detail: str


@dataclass
class ImportResult:
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False


def read_csv(
    upload: IO[bytes] | bytes, *, max_bytes: int | None = None, max_rows: int | None = None
) -> list[list[str]]:
    """The rows of an uploaded CSV, the header first, blank lines left out.

    Reads at most ``max_bytes`` + 1 bytes (the setting by default) before answering 413,
    so a larger file is never held whole.
    """
    limit = int(settings.GRADING["IMPORT_MAX_BYTES"] if max_bytes is None else max_bytes)
    row_limit = int(settings.GRADING["IMPORT_MAX_ROWS"] if max_rows is None else max_rows)
    if isinstance(upload, bytes):
        data = upload
    else:
        parts, size = [], 0
        while chunk := upload.read(_CHUNK):
            parts.append(chunk)
            size += len(chunk)
            if size > limit:
                break
        data = b"".join(parts)
    if len(data) > limit:
        raise PayloadTooLarge(f"The file is larger than {limit} bytes.", code="file_too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest("The file is not UTF-8 text.", code="invalid_file") from None
    if "\x00" in text:
        raise BadRequest("The file is not CSV text (it holds NUL bytes).", code="invalid_file")
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            if not any(cell.strip() for cell in row):
                continue
            rows.append(row)
            if len(rows) > row_limit + 1:
                raise BadRequest(
                    f"The file has more than {row_limit} rows of students.", code="too_many_rows"
                )
    except csv.Error as exc:
        raise BadRequest(f"The file is not valid CSV: {exc}.", code="invalid_file") from None
    if not rows:
        raise BadRequest("The file is empty.", code="invalid_file")
    return rows


def import_gradebook(
    *, course: Course, by: Any, rows: list[list[str]], dry_run: bool = True
) -> ImportResult:
    """Every change and row error of ``rows`` (from :func:`read_csv`) against ``course``;
    applied in one transaction when not ``dry_run`` and there are no errors."""
    with transaction.atomic():
        result = plan(course, rows)
        if dry_run or result.errors or not result.changes:
            return result
        apply(course=course, by=by, changes=result.changes)
        result.applied = True
        return result


def _header_error(header: list[str], expected: list[str]) -> str:
    for index, (given, wanted) in enumerate(zip(header, expected, strict=False), start=1):
        if given != wanted:
            return (
                f"The header is not this course's gradebook header: column {index} is "
                f"{given!r}, expected {wanted!r}. Export the gradebook again and edit that file."
            )
    return (
        f"The header is not this course's gradebook header: it has {len(header)} columns, "
        f"expected {len(expected)}. Export the gradebook again and edit that file."
    )


def _number(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def plan(course: Course, rows: list[list[str]]) -> ImportResult:
    """Compare ``rows`` with the course's standing: the changes and the row errors."""
    result = ImportResult()
    tasks = list(published_tasks(course))
    groups = csv_groups(empty_figures(course, tasks, rule_of(course))["groups"])
    expected = gradebook_header(tasks, groups, group_sets_of(course))
    header = [cell.strip() for cell in rows[0]]
    if header != expected:
        result.errors.append(RowError(1, _header_error(header, expected)))
        return result
    first_task = len(STUDENT_COLUMNS)
    students = {e.user_id: e.user for e in gradebook_students(course).select_related("user")}
    standing = {
        (row.user_id, row.task_id): row
        for row in TaskProgress.objects.filter(course=course, task__in=tasks).only(
            "user_id", "task_id", "score", "best_attempt", "latest_attempt", "last_attempt"
        )
    }
    seen: dict[int, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(expected):
            result.errors.append(
                RowError(number, f"The row has {len(row)} columns; the header has {len(expected)}.")
            )
            continue
        user_id, username = row[0].strip(), row[1].strip()
        user = students.get(int(user_id)) if user_id.isdecimal() else None
        if user is None:
            result.errors.append(
                RowError(number, f"No student of this course has user_id {user_id!r}.")
            )
            continue
        if username != safe_text(user.get_username()):
            result.errors.append(
                RowError(
                    number,
                    f"user_id {user.pk} is {user.get_username()!r}, not {username!r}.",
                )
            )
            continue
        if user.pk in seen:
            result.errors.append(
                RowError(number, f"{username!r} is already on row {seen[user.pk]}.")
            )
            continue
        seen[user.pk] = number
        for task, cell in zip(tasks, row[first_task : first_task + len(tasks)], strict=True):
            change_or_error = _cell(task, user, cell.strip(), standing.get((user.pk, task.pk)))
            if isinstance(change_or_error, str):
                result.errors.append(RowError(number, f"{task.title}: {change_or_error}"))
            elif change_or_error is not None:
                change_or_error.row = number
                result.changes.append(change_or_error)
    _target(course, tasks, result)
    return result


def _cell(task: Task, user: Any, cell: str, row: TaskProgress | None) -> Change | str | None:
    """The change a cell asks for, the error it is, or None for no change."""
    if not cell:
        return None
    score = _number(cell)
    if score is None:
        return f"{cell!r} is not a number."
    if not 0 <= score <= task.max_score:
        return f"{cell} is not between 0 and {task.max_score:g}."
    old = row.score if row is not None else None
    if old is not None and abs(old - score) <= _TOLERANCE:
        return None
    if task.rubric_id is not None:
        return "the task is graded with a rubric; grade it on the submission."
    if task.anonymous_grading and not released_to_student(task):
        return "the task is graded anonymously and its grades are not released yet."
    return Change(user=user, task=task, old_score=old, new_score=score, row=0)


_ATTEMPT_FIELDS = ("pk", "user_id", "task_id", "attempt", "status", "score", "raw_score")


def _target(course: Course, tasks: Iterable[Task], result: ImportResult) -> None:
    """Pick each change's submission (one query for all), and turn the changes that would
    not be the counted score afterwards into row errors."""
    if not result.changes:
        return
    rules = {task.pk: task_rule(task, course) for task in tasks}
    pairs = {(c.user.pk, c.task.pk) for c in result.changes}
    attempts: dict[tuple[int, int], list[tuple[Any, ...]]] = {}
    for values in (
        Submission.objects.filter(
            course=course,
            user_id__in={user for user, _ in pairs},
            task_id__in={task for _, task in pairs},
        )
        .order_by("attempt")
        .values_list(*_ATTEMPT_FIELDS, "evaluated_at", "submitted_at", "max_score")
    ):
        attempts.setdefault((values[1], values[2]), []).append(values)
    kept: list[Change] = []
    for change in result.changes:
        found = attempts.get((change.user.pk, change.task.pk), [])
        if not found:
            kept.append(change)
            continue
        rule = rules[change.task.pk]
        before = fold(rule, (_attempt(values) for values in found))
        number = before.best_attempt if rule.policy == GradingPolicy.BEST else before.latest_attempt
        target = next(v for v in found if v[3] == (number or found[-1][3]))
        if change.new_score > target[-1] + _TOLERANCE:
            result.errors.append(
                RowError(
                    change.row,
                    f"{change.task.title}: {change.new_score:g} is more than the submission's "
                    f"maximum, {target[-1]:g}.",
                )
            )
            continue
        after = fold(
            rule,
            (_attempt(v, score=change.new_score) if v is target else _attempt(v) for v in found),
        )
        if after.score is None or abs(after.score - change.new_score) > _TOLERANCE:
            result.errors.append(
                RowError(
                    change.row,
                    f"{change.task.title}: another attempt scores {after.score:g}, which would "
                    f"still count under the best-attempt policy; grade the attempts by hand.",
                )
            )
            continue
        change.submission_id = target[0]
        kept.append(change)
    result.changes = kept


def _attempt(values: tuple[Any, ...], *, score: float | None = None) -> Attempt:
    _, _, _, attempt, status, old, raw, evaluated_at, submitted_at, _ = values
    if score is not None:
        return Attempt(attempt, SubmissionStatus.GRADED, score, score, timezone.now())
    return Attempt(attempt, status, old, raw, evaluated_at or submitted_at)


@transaction.atomic
def apply(*, course: Course, by: Any, changes: list[Change]) -> None:
    """Write ``changes`` (from :func:`plan`): each through ``grading.grade``, which keeps the
    progress rows, the history (kind ``import``) and the notifications as for any grade."""
    for change in changes:
        if change.submission_id is None:
            submission = _made_for_grade(course, change)
        else:
            submission = Submission(pk=change.submission_id)
        grading.grade(
            submission=submission,
            by=by,
            score=change.new_score,
            feedback=None,
            reason=IMPORT_REASON,
            history_kind=GradeChangeKind.IMPORT,
        )


def _made_for_grade(course: Course, change: Change) -> Submission:
    """A submission of a student who never submitted, for an imported grade to land on (as
    Canvas records a grade entered without a submission); never evaluated."""
    now = timezone.now()
    submission = Submission.objects.create(
        user=change.user,
        task=change.task,
        course=course,
        attempt=1,
        answer="",
        submitted_at=now,
        queued_at=now,
        max_score=change.task.max_score,
        grader_queue=None,
    )
    progress.record_submission(submission=submission)
    return submission

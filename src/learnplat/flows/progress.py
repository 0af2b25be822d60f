"""Progress upkeep: keeping the progress read models in line with every grade.

The other flows call these inside their own transaction:

- ``record_submission(submission=...)`` right after ``submit()`` inserts a submission;
- ``record_result(submission=...)`` whenever a submission's status or score changed (evaluated,
  failed, manually graded or overridden, regraded, re-queued). The instance must carry the
  new ``status``, ``score``, ``raw_score`` and ``evaluated_at``.

Cost (docs/progress.md): a call locks one TaskProgress row and, when the counted score or the
completion changed, the student's CourseProgress row (always in that order, so concurrent
results never deadlock), and writes both with a handful of queries, never reading the
student's past submissions. One case re-reads the submissions of that one (user, task) pair:
the attempt that held the best grade, the latest grade or the first pass lost it (a regrade or
an override lowered it, or it went back to the queue).

``learnplat.flows.authoring`` calls ``refresh_course_totals(course=...)`` after anything that
changes what a course's tasks are worth: a task published, unpublished, added, deleted, its
``max_score``, ``weight`` or ``kind`` changed, or the course's ``grading_policy`` changed.

Reads ``LEARNPLAT["PROGRESS"]`` through ``learnplat.progress.rules``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from learnplat import cache, tracing
from learnplat.adapter import get_adapter
from learnplat.courses.models import AssignmentGroup, Course, GroupMembership, Task
from learnplat.flows import events, history, notify
from learnplat.progress.models import CourseProgress, TaskProgress
from learnplat.progress.rules import (
    STATE_FIELDS,
    Attempt,
    CourseRule,
    TaskMark,
    TaskRule,
    TaskState,
    course_rule,
    fold,
    standing,
    task_rule,
)
from learnplat.progress.signals import course_completed
from learnplat.signals import send_on_commit
from learnplat.submissions.models import Evaluation, Submission
from learnplat.submissions.signals import grade_changed, submission_evaluated

if TYPE_CHECKING:
    pass

#: Students handled per transaction by the recompute.
RECOMPUTE_CHUNK = 500
_ATTEMPT_FIELDS = ("attempt", "status", "score", "raw_score", "evaluated_at", "submitted_at")


# -- incremental path ------------------------------------------------------------------------


@transaction.atomic
def record_submission(*, submission: Submission) -> None:
    """Count a new attempt: ``attempts`` + 1, the status follows the new attempt (O(1))."""
    _record(submission, new_attempt=True)


@transaction.atomic
def record_result(*, submission: Submission) -> None:
    """Fold a submission's new status and score into TaskProgress and CourseProgress."""
    _record(submission, new_attempt=False)


def _record(submission: Submission, *, new_attempt: bool) -> None:
    task = Task.objects.select_related("course").get(pk=submission.task_id)
    # The rows below are written in bulk, which sends no signal.
    cache.changed(course=task.course_id)
    rule = task_rule(task, task.course)
    user_ids = _recipients(submission)
    _ensure_course_progress(user_ids, task.course)
    rows = _locked_task_progress(user_ids, rule)
    befores = {user_id: TaskState.of(row) for user_id, row in rows.items()}
    afters: dict[int, TaskState] = {}
    refold: list[int] = []
    for user_id, row in rows.items():
        after = TaskState.of(row)
        if not after.last_attempt:
            # A fresh row: build it from the pair's submissions, which include this one.
            refold.append(user_id)
            continue
        after.attempts += int(new_attempt)
        if after.apply(rule, Attempt.of(submission)):
            after.derive(rule)
            afters[user_id] = after
        else:
            refold.append(user_id)
    if refold:
        afters.update(_fold_pair(refold, rule))
    updates, fields = [], set()
    for user_id, row in rows.items():
        before, after = befores[user_id], afters[user_id]
        changed = [name for name in STATE_FIELDS if getattr(before, name) != getattr(after, name)]
        for name in changed:
            setattr(row, name, getattr(after, name))
        if changed:
            updates.append(row)
            fields.update(changed)
    if len(updates) == 1:
        updates[0].save(update_fields=[*sorted(fields), "updated_at"])
    elif updates:
        now = timezone.now()
        for row in updates:
            row.updated_at = now
        TaskProgress.objects.bulk_update(updates, [*sorted(fields), "updated_at"])
    if rule.is_published:
        _fold_into_course(task.course, rule, befores, afters)


def _recipients(submission: Submission) -> list[int]:
    """Whose progress a submission counts in: its user, or every member of its group
    (decision 0030), in user-id order (the order their rows are locked in)."""
    if submission.group_id is None:
        return [submission.user_id]
    members = GroupMembership.objects.filter(group_id=submission.group_id).values_list(
        "user_id", flat=True
    )
    return sorted({submission.user_id, *members})


def counting_submissions(task_ids: Iterable[int], user_ids: Iterable[int]) -> Any:
    """The submissions to ``task_ids`` that count for any of ``user_ids``: their own and
    those of their groups, as ``(user_id, group_id, task_id, *attempt fields)`` rows in
    attempt order; with :func:`_distribute` to tell whose each row is."""
    users, tasks = _one_or_in("user_id", user_ids), _one_or_in("task_id", task_ids)
    groups = GroupMembership.objects.filter(users).values("group_id")
    return (
        Submission.objects.filter(tasks)
        .filter(users | Q(group_id__in=groups))
        .order_by("task_id", "attempt", "id")
        .values_list("user_id", "group_id", "task_id", *_ATTEMPT_FIELDS)
    )


def _one_or_in(field: str, ids: Iterable[int]) -> Q:
    # ``= id`` for one id: the common solo re-read stays a plain index lookup.
    ids = list(ids)
    return Q(**{field: ids[0]}) if len(ids) == 1 else Q(**{f"{field}__in": ids})


def _distribute(rows: Iterable[tuple[Any, ...]], user_ids: Iterable[int]) -> Iterator[Any]:
    """``(user_id, task_id, attempt)`` for every row of :func:`counting_submissions` and
    every one of ``user_ids`` it counts for (a group's row for each member); one query
    for the memberships, none without group rows."""
    rows = list(rows)
    wanted = set(user_ids)
    group_ids = {row[1] for row in rows if row[1] is not None}
    members: dict[int, set[int]] = {}
    if group_ids:
        for group_id, user_id in GroupMembership.objects.filter(
            group_id__in=group_ids, user_id__in=wanted
        ).values_list("group_id", "user_id"):
            members.setdefault(group_id, set()).add(user_id)
    for user_id, group_id, task_id, *rest in rows:
        recipients = {user_id} & wanted
        if group_id is not None:
            recipients |= members.get(group_id, set())
        attempt = _attempt(tuple(rest))
        for recipient in sorted(recipients):
            yield recipient, task_id, attempt


def _fold_pair(user_ids: list[int], rule: TaskRule) -> dict[int, TaskState]:
    """The bounded re-read: every attempt counting for each of ``user_ids`` at one task."""
    found: dict[int, list[Attempt]] = {user_id: [] for user_id in user_ids}
    rows = counting_submissions([rule.task_id], user_ids)
    for user_id, _task, attempt in _distribute(rows, user_ids):
        found[user_id].append(attempt)
    return {user_id: fold(rule, attempts) for user_id, attempts in found.items()}


def _attempt(row: tuple[Any, ...]) -> Attempt:
    attempt, status, score, raw_score, evaluated_at, submitted_at = row
    return Attempt(attempt, status, score, raw_score, evaluated_at or submitted_at)


def _locked_task_progress(user_ids: list[int], rule: TaskRule) -> dict[int, TaskProgress]:
    """The (user, task) rows of ``user_ids``, locked in user-id order, created if missing."""
    locked = (
        TaskProgress.objects.select_for_update()
        .filter(user_id__in=user_ids, task_id=rule.task_id)
        .order_by("user_id")
    )
    rows = {row.user_id: row for row in locked.all()}
    missing = [user_id for user_id in user_ids if user_id not in rows]
    if missing:
        # ON CONFLICT DO NOTHING: a concurrent first result for the same pair inserts at most
        # one row, and whoever locks it second sees it no longer blank.
        TaskProgress.objects.bulk_create(
            [
                TaskProgress(user_id=user_id, task_id=rule.task_id, course_id=rule.course_id)
                for user_id in missing
            ],
            ignore_conflicts=True,
        )
        rows = {row.user_id: row for row in locked.all()}
    return rows


def _ensure_course_progress(user_ids: list[int], course: Course) -> None:
    have = set(
        CourseProgress.objects.filter(user_id__in=user_ids, course_id=course.pk).values_list(
            "user_id", flat=True
        )
    )
    missing = [user_id for user_id in user_ids if user_id not in have]
    if not missing:
        return
    rule, rules = course_rules(course)
    CourseProgress.objects.bulk_create(
        [
            CourseProgress(
                user_id=user_id,
                course_id=course.pk,
                **standing(rule, rules.values(), _marks(user_id, course.pk)).values(),
            )
            for user_id in missing
        ],
        ignore_conflicts=True,
    )


def course_rules(course: Course) -> tuple[CourseRule, dict[int, TaskRule]]:
    """The course's grading rule and its tasks' rules, by task id, as they are now."""
    tasks = Task.objects.filter(course=course).only(*_TASK_RULE_FIELDS)
    groups = AssignmentGroup.objects.filter(course=course)
    return course_rule(course, groups), {t.pk: task_rule(t, course) for t in tasks}


_TASK_RULE_FIELDS = ("id", "kind", "max_score", "weight", "is_published", "course_id", "group_id")


def _marks(user_id: int, course_id: int) -> dict[int, TaskMark]:
    """A student's stored task standings in a course, as the course figures read them."""
    return _marks_of([user_id], course_id).get(user_id, {})


def _marks_of(user_ids: list[int], course_id: int) -> dict[int, dict[int, TaskMark]]:
    rows = TaskProgress.objects.filter(user_id__in=user_ids, course_id=course_id).values_list(
        "user_id", "task_id", "points", "completed", "completed_at"
    )
    marks: dict[int, dict[int, TaskMark]] = {}
    for user, task, points, completed, at in rows:
        marks.setdefault(user, {})[task] = TaskMark(points, completed, at)
    return marks


def _fold_into_course(
    course: Course,
    rule: TaskRule,
    befores: dict[int, TaskState],
    afters: dict[int, TaskState],
) -> None:
    """Refold the course figures of the students whose standing at one task changed.

    Drops and group weights make the figures a function of every task of the course, so
    they are recomputed from the students' task rows (O(tasks of the course), never
    O(submissions)); nothing is read when the task's points and completion did not move.
    A group's members are handled together: the same queries for one member or five.
    """
    moved = [
        user_id
        for user_id, after in afters.items()
        if (after.points, after.completed, after.completed_at)
        != (befores[user_id].points, befores[user_id].completed, befores[user_id].completed_at)
    ]
    if not moved:
        return
    locked = list(
        CourseProgress.objects.select_for_update()
        .filter(user_id__in=moved, course_id=rule.course_id)
        .order_by("user_id")
    )
    course_rule_, rules = course_rules(course)
    marks = _marks_of(moved, rule.course_id)
    updates, fields, completed = [], set(), []
    for row in locked:
        was_completed = row.completed_at is not None
        values = standing(course_rule_, rules.values(), marks.get(row.user_id, {})).values()
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if not changed:
            continue
        for name in changed:
            setattr(row, name, values[name])
        updates.append(row)
        fields.update(changed)
        if not was_completed and row.completed_at is not None:
            completed.append(row)
    if len(updates) == 1:
        updates[0].save(update_fields=[*sorted(fields), "updated_at"])
    elif updates:
        now = timezone.now()
        for row in updates:
            row.updated_at = now
        CourseProgress.objects.bulk_update(updates, [*sorted(fields), "updated_at"])
    _notify_completed(course, completed)


def _notify_completed(course: Course, rows: Iterable[CourseProgress]) -> None:
    rows = list(rows)
    events.courses_completed(course=course, rows=rows)
    for row in rows:
        send_on_commit(
            course_completed,
            sender=CourseProgress,
            user_id=row.user_id,
            course_id=row.course_id,
            course_progress=row,
        )


# -- a grade changed ----------------------------------------------------------------------


def record_grade(
    *,
    submission: Submission,
    evaluation: Evaluation,
    previous_score: float | None,
    evaluated: bool = False,
    always: bool = False,
    previous_status: str | None = None,
    history_kind: str | None = None,
) -> None:
    """Fold a submission's new status and score into progress (in this transaction), write
    the grade history (``learnplat.flows.history``), call the adapter's ``after_grade()``,
    notify the student (``learnplat.flows.notify``), and tell the host, on commit:
    ``submission_evaluated`` for evaluator runs, ``grade_changed`` when the score changed (or
    ``always``, for staff grades).

    ``previous_status`` is the status before the grade when it may have been
    ``needs_review`` (whose score did not count); ``history_kind`` names the history entry's
    kind where the evaluation's trigger does not tell it (``extension``, ``late_policy``).
    """
    with tracing.span(
        "learnplat.progress",
        submission_id=submission.pk,
        task_id=submission.task_id,
        status=submission.status,
    ):
        record_result(submission=submission)
        history.grade_recorded(
            submission=submission,
            evaluation=evaluation,
            previous_score=previous_score,
            previous_status=previous_status,
            kind=history_kind,
        )
        get_adapter().after_grade(submission=submission, evaluation=evaluation)
        notify.grade_recorded(
            submission=submission, evaluation=evaluation, previous_score=previous_score
        )
        events.grade_recorded(
            submission=submission, evaluation=evaluation, previous_score=previous_score
        )
        if evaluated:
            send_on_commit(
                submission_evaluated,
                sender=Submission,
                submission=submission,
                evaluation=evaluation,
            )
        if always or previous_score != submission.score:
            send_on_commit(
                grade_changed,
                sender=Submission,
                submission=submission,
                evaluation=evaluation,
                previous_score=previous_score,
                score=submission.score,
                trigger=evaluation.trigger,
            )


# -- course-level changes and the full recompute ----------------------------------------------


def refresh_course_totals(*, course: Course, by: Any = None, kind: str = "grading") -> None:
    """Bring every student's progress in ``course`` in line with what its tasks are now.

    Call it after publishing, unpublishing, adding or deleting a task, changing a task's
    ``max_score``, ``weight``, ``kind`` or group, or the course's grading policy, scheme,
    letters or groups. It rebuilds the course's rows from its submissions in this
    transaction, or on a large course in a background job
    (:func:`learnplat.flows.recompute.refresh_course_totals`), and sends ``course_completed``
    for students it completes.
    """
    from learnplat.flows import recompute

    recompute.refresh_course_totals(course=course, by=by, kind=kind)


@dataclass
class RecomputeResult:
    """What a recompute changed, row counts by kind."""

    students: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0


def recompute_progress(
    *,
    course: Course | None = None,
    user_id: int | None = None,
    notify: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> RecomputeResult:
    """Rebuild TaskProgress and CourseProgress from the submissions, set-based.

    Per course and per chunk of ``RECOMPUTE_CHUNK`` students, in one transaction each: lock
    the chunk's progress rows, read its submissions in one query, fold them with the same
    rules as the incremental path, and write only the rows that differ (bulk create, update,
    delete). ``on_progress(done, total)`` is called after each chunk, counting students.
    """
    courses = Course.objects.order_by("pk")
    if course is not None:
        courses = courses.filter(pk=course.pk)
    plan = [(c, _students_to_recompute(c, user_id)) for c in courses]
    result = RecomputeResult()
    total = sum(len(users) for _, users in plan)
    if on_progress:
        on_progress(0, total)
    for current, users in plan:
        if not users:
            continue
        rule, rules = course_rules(current)
        for chunk in _chunks(users, RECOMPUTE_CHUNK):
            with transaction.atomic():
                _recompute_chunk(current, chunk, rule, rules, result, notify=notify)
            result.students += len(chunk)
            if on_progress:
                on_progress(result.students, total)
    return result


def _students_to_recompute(course: Course, user_id: int | None) -> list[int]:
    """Students with submissions or progress rows in ``course`` (stale rows get deleted)."""
    sources = [
        Submission.objects.filter(course=course),
        TaskProgress.objects.filter(course=course),
        CourseProgress.objects.filter(course=course),
        GroupMembership.objects.filter(group__submissions__course=course),
    ]
    users: set[int] = set()
    for qs in sources:
        if user_id is not None:
            qs = qs.filter(user_id=user_id)
        users.update(qs.order_by().values_list("user_id", flat=True).distinct())
    return sorted(users)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _recompute_chunk(
    course: Course,
    users: list[int],
    rule: CourseRule,
    rules: dict[int, TaskRule],
    result: RecomputeResult,
    *,
    notify: bool,
) -> None:
    cache.changed(course=course)  # the rows below are written in bulk: no signal
    # Lock first, read the submissions second: a result committed meanwhile is either seen
    # by the read or applied by its own transaction after this one, on the rows written here.
    tp_rows = {
        (row.user_id, row.task_id): row
        for row in TaskProgress.objects.select_for_update().filter(course=course, user_id__in=users)
    }
    cp_rows = {
        row.user_id: row
        for row in CourseProgress.objects.select_for_update().filter(
            course=course, user_id__in=users
        )
    }
    attempts: dict[tuple[int, int], list[Attempt]] = {}
    # A group's submissions count for each member (decision 0030).
    rows = counting_submissions(list(rules), users).filter(course=course)
    for user, task, attempt in _distribute(rows, users):
        attempts.setdefault((user, task), []).append(attempt)
    states = {pair: fold(rules[pair[1]], found) for pair, found in attempts.items()}

    _sync(
        TaskProgress,
        tp_rows,
        {pair: state.values() for pair, state in states.items()},
        lambda pair: TaskProgress(user_id=pair[0], task_id=pair[1], course=course),
        result,
    )

    marks: dict[int, dict[int, TaskMark]] = {}
    for (user, task), state in states.items():
        marks.setdefault(user, {})[task] = TaskMark(
            state.points, state.completed, state.completed_at
        )
    desired = {user: standing(rule, rules.values(), mine).values() for user, mine in marks.items()}
    was_completed = {user for user, row in cp_rows.items() if row.completed_at is not None}
    written = _sync(
        CourseProgress,
        cp_rows,
        desired,
        lambda user: CourseProgress(user_id=user, course=course),
        result,
    )
    if notify:
        _notify_completed(
            course,
            [
                row
                for user, row in written.items()
                if row.completed_at is not None and user not in was_completed
            ],
        )


def _sync(
    model: type[TaskProgress] | type[CourseProgress],
    existing: dict[Any, Any],
    desired: dict[Any, dict[str, Any]],
    new_row: Callable[[Any], Any],
    result: RecomputeResult,
) -> dict[Any, Any]:
    """Make the rows of ``existing`` hold ``desired`` (by key), writing only the differences.

    Returns the rows after the write, by key; rows with no desired values are deleted.
    """
    now = timezone.now()
    rows, creates, updates = {}, [], []
    fields: set[str] = set()
    for key, values in desired.items():
        row = existing.pop(key, None)
        if row is None:
            row = new_row(key)
            creates.append(row)
        elif all(getattr(row, name) == value for name, value in values.items()):
            rows[key] = row
            continue
        else:
            updates.append(row)
        for name, value in values.items():
            setattr(row, name, value)
        fields.update(values)
        row.updated_at = now
        rows[key] = row
    model.objects.bulk_create(creates)
    if updates:
        model.objects.bulk_update(updates, [*sorted(fields), "updated_at"])
    if existing:
        model.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
    result.created += len(creates)
    result.updated += len(updates)
    result.deleted += len(existing)
    return rows

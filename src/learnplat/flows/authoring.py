"""Authoring courses and tasks: create, change, publish, archive, delete.

Every function is atomic and takes keyword arguments only. Input that breaks a rule raises
:class:`learnplat.exceptions.InvalidInput` (400) before anything is written; a state
conflict raises :class:`learnplat.exceptions.Conflict` (409) with a stable ``code``.

A change to what a course's tasks are worth (a published task created or deleted, a task
published or unpublished, its ``max_score``, ``weight`` or ``kind`` changed, the course's
``grading_policy`` changed) rebuilds the course's progress in the same transaction
(:func:`learnplat.flows.progress.refresh_course_totals`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from learnplat.courses.choices import CourseRole, CourseStatus
from learnplat.courses.models import SLUG_MAX_LENGTH, TASK_AUTHORED_FIELDS, Course, Enrollment, Task
from learnplat.courses.querysets import forget_course_roles
from learnplat.courses.validation import (
    check_description,
    clean_task,
    find_cycle,
    indexed_errors,
)
from learnplat.exceptions import Conflict, InvalidInput
from learnplat.flows import progress

#: Course fields ``create_course`` and ``update_course`` accept (``slug`` on create only).
COURSE_FIELDS = frozenset(
    {"slug", "title", "description", "enrollment_open", "capacity", "grading_policy"}
)


#: Task fields ``create_task`` and ``update_task`` accept besides ``prerequisites``.
TASK_FIELDS = frozenset(TASK_AUTHORED_FIELDS) - {"prerequisites"}


#: Task fields that change what a task is worth in its course's progress.
TASK_GRADING_FIELDS = frozenset({"is_published", "max_score", "weight", "kind"})


# Room kept at the end of a generated slug for "-<n>".
_SLUG_SUFFIX_ROOM = 6


_SLUG_ATTEMPTS = 5


def _refuse_unknown(fields: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(unknown)}")


def _lock(course: Course) -> Course:
    return Course.objects.select_for_update().get(pk=course.pk)


# -- courses ---------------------------------------------------------------------------------


def _free_slug(base: str) -> str:
    taken = set(Course.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _insert_course(*, slug: str | None, fields: dict[str, Any]) -> Course:
    if slug:
        try:
            validate_slug(slug)
        except DjangoValidationError as exc:
            raise InvalidInput({"slug": list(exc.messages)}) from None
        if len(slug) > SLUG_MAX_LENGTH or Course.objects.filter(slug=slug).exists():
            raise InvalidInput({"slug": ["A course with this slug already exists."]})
        try:
            with transaction.atomic():
                return Course.objects.create(slug=slug, **fields)
        except IntegrityError:  # a concurrent request took it between the check and the insert
            raise InvalidInput({"slug": ["A course with this slug already exists."]}) from None
    base = slugify(fields.get("title", ""))[: SLUG_MAX_LENGTH - _SLUG_SUFFIX_ROOM].strip("-")
    base = base or "course"
    for _attempt in range(_SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                return Course.objects.create(slug=_free_slug(base), **fields)
        except IntegrityError:
            continue  # a concurrent create took the same free slug: look again
    raise Conflict("Could not find a free slug; give one.", code="slug_conflict")


def _clean_nested_tasks(
    tasks: Sequence[Mapping[str, Any]],
) -> list[tuple[dict[str, Any], list[int]]]:
    """Validate every task of a nested create before anything is written; prerequisites are
    indices into ``tasks``."""
    cleaned: list[tuple[dict[str, Any], list[int]]] = []
    errors: dict[int, dict[str, Any]] = {}
    for index, raw in enumerate(tasks):
        data = dict(raw)
        prerequisites = [int(p) for p in data.pop("prerequisites", ())]
        _refuse_unknown(data, TASK_FIELDS)
        data.setdefault("position", index + 1)
        try:
            data = clean_task(data)
        except InvalidInput as exc:
            errors[index] = dict(exc.errors)
        bad = [p for p in prerequisites if not 0 <= p < len(tasks) or p == index]
        if bad:
            errors.setdefault(index, {})["prerequisites"] = [
                f"Indices of other tasks in this list (0 to {len(tasks) - 1}); got {bad}."
            ]
        cleaned.append((data, prerequisites))
    if not errors:
        cycle = find_cycle({i: prereqs for i, (_, prereqs) in enumerate(cleaned)})
        if cycle:
            path = " → ".join(str(i) for i in cycle)
            errors[cycle[0]] = {"prerequisites": [f"Prerequisites form a cycle: {path}."]}
    if errors:
        raise InvalidInput({"tasks": indexed_errors(len(tasks), errors)})
    return cleaned


@transaction.atomic
def create_course(
    *, creator: Any, tasks: Sequence[Mapping[str, Any]] = (), **fields: Any
) -> Course:
    """Create a draft course, make ``creator`` its instructor, and create ``tasks`` with it.

    All or nothing: a bad task leaves no course behind. Each task's ``prerequisites`` are
    indices into ``tasks``. Without a ``slug`` one is made from the title (``intro``,
    ``intro-2``, ...).
    """
    _refuse_unknown(fields, COURSE_FIELDS)
    if not str(fields.get("title") or "").strip():
        raise InvalidInput({"title": ["This field is required."]})
    check_description(fields.get("description"))
    cleaned_tasks = _clean_nested_tasks(tasks)
    slug = fields.pop("slug", None)
    course = _insert_course(slug=slug, fields=fields)
    Enrollment.objects.create(user=creator, course=course, role=CourseRole.INSTRUCTOR)
    forget_course_roles(creator)
    created = Task.objects.bulk_create([Task(course=course, **data) for data, _ in cleaned_tasks])
    through = Task.prerequisites.through
    through.objects.bulk_create(
        [
            through(from_task_id=created[i].pk, to_task_id=created[p].pk)
            for i, (_, prerequisites) in enumerate(cleaned_tasks)
            for p in dict.fromkeys(prerequisites)
        ]
    )
    return course


@transaction.atomic
def update_course(*, course: Course, **fields: Any) -> Course:
    """Change a course's catalog fields. The slug never changes; status changes through
    :func:`publish` and :func:`archive`."""
    _refuse_unknown(fields, COURSE_FIELDS - {"slug"})
    check_description(fields.get("description"))
    policy_changed = (
        "grading_policy" in fields and fields["grading_policy"] != course.grading_policy
    )
    for name, value in fields.items():
        setattr(course, name, value)
    if fields:
        course.save(update_fields=[*fields, "modified"])
    if policy_changed:
        progress.refresh_course_totals(course=course)
    return course


#: action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "publish": (frozenset({CourseStatus.DRAFT, CourseStatus.ARCHIVED}), CourseStatus.PUBLISHED),
    "archive": (frozenset({CourseStatus.PUBLISHED}), CourseStatus.ARCHIVED),
}


def _transition(course: Course, action: str) -> Course:
    locked = _lock(course)
    sources, target = TRANSITIONS[action]
    if locked.status not in sources:
        raise Conflict(
            f"Cannot {action} a course that is {locked.status}.", code="invalid_transition"
        )
    locked.status = target
    if target == CourseStatus.PUBLISHED and locked.published_at is None:
        locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at", "modified"])
    return locked


@transaction.atomic
def publish(*, course: Course) -> Course:
    """draft → published, or archived → published (reopen). ``published_at`` keeps the first
    publication's time."""
    return _transition(course, "publish")


@transaction.atomic
def archive(*, course: Course) -> Course:
    """published → archived: the course leaves the catalog; its students keep seeing it."""
    return _transition(course, "archive")


# -- tasks -----------------------------------------------------------------------------------


def check_prerequisites(
    *, course: Course, task: Task | None, prerequisites: Iterable[Task | int]
) -> list[int]:
    """Check that ``prerequisites`` are other tasks of ``course`` and that making them
    ``task``'s prerequisites (``None``: a new task) closes no cycle; return their ids.

    The one prerequisite check: the task flows and the admin's task form call it; 400 with
    the errors on ``prerequisites`` otherwise."""
    ids = list(dict.fromkeys(p.pk if isinstance(p, Task) else int(p) for p in prerequisites))
    ours = set(Task.objects.filter(pk__in=ids, course=course).values_list("pk", flat=True))
    errors: list[str] = []
    # Unknown ids and tasks of other courses get the same answer: no hint at other courses.
    strangers = [i for i in ids if i not in ours]
    if strangers:
        errors.append(f"Prerequisites must be tasks of the same course; {strangers} are not.")
    if task is not None and task.pk in ids:
        errors.append("A task cannot be its own prerequisite.")
    if not errors and task is not None and ids:
        through = Task.prerequisites.through
        edges: dict[int, list[int]] = {}
        for source, target in through.objects.filter(from_task__course=course).values_list(
            "from_task_id", "to_task_id"
        ):
            edges.setdefault(source, []).append(target)
        edges[task.pk] = ids
        cycle = find_cycle(edges)
        if cycle:
            errors.append(f"Prerequisites would form a cycle: {' → '.join(map(str, cycle))}.")
    if errors:
        raise InvalidInput({"prerequisites": errors})
    return ids


@transaction.atomic
def create_task(*, course: Course, prerequisites: Iterable[Task | int] = (), **fields: Any) -> Task:
    """Add a task to ``course``; ``position`` defaults to after the last task."""
    _refuse_unknown(fields, TASK_FIELDS)
    cleaned = clean_task(fields)
    prerequisite_ids = check_prerequisites(course=course, task=None, prerequisites=prerequisites)
    if cleaned.get("position") is None:
        last = course.tasks.order_by("-position").values_list("position", flat=True).first()
        cleaned["position"] = (last or 0) + 1
    task = Task.objects.create(course=course, **cleaned)
    task.prerequisites.set(prerequisite_ids)
    if task.is_published:
        progress.refresh_course_totals(course=course)
    return task


@transaction.atomic
def update_task(
    *, task: Task, prerequisites: Iterable[Task | int] | None = None, **fields: Any
) -> Task:
    """Change a task; ``config`` is validated again whenever ``kind`` or ``config`` change,
    dates against the values they leave in place."""
    _refuse_unknown(fields, TASK_FIELDS)
    cleaned = clean_task(fields, current=task)
    grading_changed = any(
        getattr(task, name) != cleaned[name] for name in TASK_GRADING_FIELDS & set(cleaned)
    )
    if prerequisites is not None:
        # Two concurrent edits could each close half of a cycle; the course lock orders them.
        _lock(task.course)
        ids = check_prerequisites(course=task.course, task=task, prerequisites=prerequisites)
    for name, value in cleaned.items():
        setattr(task, name, value)
    if cleaned:
        task.save(update_fields=[*cleaned, "modified"])
    if prerequisites is not None:
        task.prerequisites.set(ids)
    if grading_changed:
        progress.refresh_course_totals(course=task.course)
    return task


@transaction.atomic
def delete_task(*, task: Task) -> None:
    """Delete a task with its submissions, extensions and progress rows; the course's
    progress is rebuilt without it when it was published."""
    delete_tasks(tasks=Task.objects.filter(pk=task.pk))


@transaction.atomic
def delete_tasks(*, tasks: QuerySet[Task]) -> None:
    """Delete ``tasks`` like :func:`delete_task`, rebuilding each affected course's progress
    once however many of its tasks go."""
    courses = list(
        Course.objects.filter(pk__in=tasks.filter(is_published=True).values("course_id"))
    )
    tasks.delete()
    for course in courses:
        progress.refresh_course_totals(course=course)

"""Authoring courses and tasks: create, change, reorder, publish, archive, delete.

Every function is atomic and takes keyword arguments only. Input that breaks a rule raises
:class:`learnplat.exceptions.InvalidInput` (400) before anything is written; a state
conflict raises :class:`learnplat.exceptions.Conflict` (409) with a stable ``code``.

A change to what a course's tasks are worth (a published task created or deleted, a task
published or unpublished, its ``max_score``, ``weight``, ``group`` or ``kind`` changed, the
course's ``grading_policy``, ``grading_scheme`` or ``letter_grades`` changed) rebuilds the
course's progress in the same transaction, through
:func:`learnplat.flows.grading_config.grading_changed`; a change to a task's ``due_at``,
``closes_at`` or ``late_policy`` re-applies them to its past submissions
(:func:`learnplat.flows.deadlines.recompute_task_lateness`).

The adapter (``LEARNPLAT["ADAPTER"]``) chooses the slug of a course created without one
(``new_course_slug()``) and receives, in the same transaction, the fields a host serializer
added (``save_extra()`` with the keys ``course_create``, ``course_update``, ``task_create``,
``task_update`` and ``task_reorder``; the tasks of a nested create are ``task_create`` writes too).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from learnplat import cache
from learnplat.adapter import get_adapter
from learnplat.courses.choices import CourseRole, CourseStatus, GradingChangeKind, GradingScheme
from learnplat.courses.models import (
    SLUG_MAX_LENGTH,
    TASK_AUTHORED_FIELDS,
    AssignmentGroup,
    Course,
    Enrollment,
    GroupSet,
    Rubric,
    Task,
)
from learnplat.courses.querysets import forget_course_roles
from learnplat.courses.validation import (
    check_description,
    check_group_weights,
    clean_course_accommodation_fields,
    clean_letter_grades,
    clean_task,
    find_cycle,
    indexed_errors,
)
from learnplat.exceptions import Conflict, InvalidInput
from learnplat.flows import NOT_GIVEN, NotGiven, anonymity, deadlines, given, rubrics
from learnplat.flows.grading_config import grading_changed, lock_course

#: Course fields ``create_course`` takes (``update_course`` all but ``slug``).
COURSE_FIELDS = frozenset(
    {
        "slug",
        "title",
        "description",
        "enrollment_open",
        "capacity",
        "grading_policy",
        "grading_scheme",
        "letter_grades",
        "timezone",
        "late_days",
        "max_late_days_per_task",
    }
)
#: Course fields that change how its tasks add up.
COURSE_GRADING_FIELDS = frozenset({"grading_policy", "grading_scheme", "letter_grades"})
#: Task fields ``create_task`` and ``update_task`` take besides ``prerequisites`` (and the keys
#: of a nested create's task that are not ``extra``).
TASK_FIELDS = frozenset(TASK_AUTHORED_FIELDS) - {"prerequisites"}


#: Task fields that change what a task is worth in its course's progress.
TASK_GRADING_FIELDS = frozenset({"is_published", "max_score", "weight", "kind", "group"})
#: Task fields that change the lateness of work already submitted.
TASK_DEADLINE_FIELDS = frozenset({"due_at", "closes_at", "late_policy"})


# Room kept at the end of a generated slug for "-<n>".
_SLUG_SUFFIX_ROOM = 6


# Parallel creates with one title queue on the unique index and each round lets one through,
# so the last of N needs N tries: this many at once always succeed (measured on PostgreSQL).
_SLUG_ATTEMPTS = 10


_lock = lock_course


def _clean_course_grading(fields: dict[str, Any]) -> None:
    """Check and normalise ``grading_scheme`` and ``letter_grades`` in ``fields``."""
    if "grading_scheme" in fields and fields["grading_scheme"] not in GradingScheme.values:
        raise InvalidInput({"grading_scheme": [f"One of {', '.join(GradingScheme.values)}."]})
    if "letter_grades" in fields:
        fields["letter_grades"] = clean_letter_grades(fields["letter_grades"])


def course_group(course: Course, group: AssignmentGroup | int | None) -> AssignmentGroup | None:
    """``group`` (an assignment group or its id) if it is a group of ``course``; 400 on
    ``group`` otherwise. The one check of a task's group: the task flows and the admin's task
    form call it."""
    if group is None:
        return None
    pk = group.pk if isinstance(group, AssignmentGroup) else group
    found = AssignmentGroup.objects.filter(pk=pk, course=course).first()
    if found is None:
        # Unknown ids and groups of other courses get the same answer.
        raise InvalidInput({"group": ["Must be an assignment group of the task's course."]})
    return found


def course_group_set(course: Course, group_set: GroupSet | int | None) -> GroupSet | None:
    """``group_set`` (a group set or its id) if it is a group set of ``course``; 400 on
    ``group_set`` otherwise."""
    if group_set is None:
        return None
    pk = group_set.pk if isinstance(group_set, GroupSet) else group_set
    found = GroupSet.objects.filter(pk=pk, course=course).first()
    if found is None:
        raise InvalidInput({"group_set": ["Must be a group set of the task's course."]})
    return found


# -- courses ---------------------------------------------------------------------------------


def _free_slug(base: str) -> str:
    taken = set(Course.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _slug_base(*, title: str, creator: Any) -> str:
    """The adapter's slug for a new course, shortened to leave room for ``-<n>``."""
    adapter = get_adapter()
    wanted = adapter.new_course_slug(title=title, creator=creator)
    try:
        validate_slug(wanted)
    except DjangoValidationError:
        # A host bug, not bad input: a 500 that names the culprit.
        raise ValueError(
            f"{type(adapter).__qualname__}.new_course_slug() returned {wanted!r}, which is not "
            "a slug (letters, digits, hyphens and underscores)."
        ) from None
    return wanted[: SLUG_MAX_LENGTH - _SLUG_SUFFIX_ROOM].strip("-") or "course"


def _insert_course(*, slug: str | None, creator: Any, fields: dict[str, Any]) -> Course:
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
    base = _slug_base(title=fields["title"], creator=creator)
    for _attempt in range(_SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                return Course.objects.create(slug=_free_slug(base), **fields)
        except IntegrityError:
            continue  # a concurrent create took the same free slug: look again
    raise Conflict("Could not find a free slug; give one.", code="slug_conflict")


def _clean_nested_tasks(
    tasks: Sequence[Mapping[str, Any]],
) -> list[tuple[dict[str, Any], list[int], dict[str, Any]]]:
    """Validate every task of a nested create before anything is written; prerequisites are
    indices into ``tasks``. Returns (fields, prerequisites, extra) per task: the keys that
    are not task fields are the task's ``extra``."""
    cleaned: list[tuple[dict[str, Any], list[int], dict[str, Any]]] = []
    errors: dict[int, dict[str, Any]] = {}
    for index, raw in enumerate(tasks):
        data = {key: value for key, value in raw.items() if key in TASK_FIELDS}
        extra = {key: value for key, value in raw.items() if key not in TASK_FIELDS}
        prerequisites = [int(p) for p in extra.pop("prerequisites", ())]
        data.setdefault("position", index + 1)
        # A new course has no groups yet: its tasks start outside any.
        group = data.pop("group", None)
        group_set = data.pop("group_set", None)
        try:
            data = clean_task(data)
        except InvalidInput as exc:
            errors[index] = dict(exc.errors)
        if group is not None:
            errors.setdefault(index, {})["group"] = [
                "A new course has no assignment groups yet; add the task to one later."
            ]
        if group_set is not None:
            errors.setdefault(index, {})["group_set"] = [
                "A new course has no group sets yet; give the task one later."
            ]
        bad = [p for p in prerequisites if not 0 <= p < len(tasks) or p == index]
        if bad:
            errors.setdefault(index, {})["prerequisites"] = [
                f"Indices of other tasks in this list (0 to {len(tasks) - 1}); got {bad}."
            ]
        cleaned.append((data, prerequisites, extra))
    if not errors:
        cycle = find_cycle({i: prereqs for i, (_, prereqs, _) in enumerate(cleaned)})
        if cycle:
            path = " → ".join(str(i) for i in cycle)
            errors[cycle[0]] = {"prerequisites": [f"Prerequisites form a cycle: {path}."]}
    if errors:
        raise InvalidInput({"tasks": indexed_errors(len(tasks), errors)})
    return cleaned


@transaction.atomic
def create_course(
    *,
    creator: Any,
    title: str = "",
    slug: str | None = None,
    description: str | NotGiven = NOT_GIVEN,
    enrollment_open: bool | NotGiven = NOT_GIVEN,
    capacity: int | NotGiven | None = NOT_GIVEN,
    grading_policy: str | NotGiven = NOT_GIVEN,
    grading_scheme: str | NotGiven = NOT_GIVEN,
    letter_grades: Sequence[Mapping[str, Any]] | NotGiven = NOT_GIVEN,
    timezone: str | NotGiven = NOT_GIVEN,
    late_days: int | NotGiven = NOT_GIVEN,
    max_late_days_per_task: int | NotGiven | None = NOT_GIVEN,
    tasks: Sequence[Mapping[str, Any]] = (),
    extra: Mapping[str, Any] | None = None,
) -> Course:
    """Create a draft course, make ``creator`` its instructor, and create ``tasks`` with it.

    All or nothing: a bad task leaves no course behind. Each task's ``prerequisites`` are
    indices into ``tasks``. Without a ``slug`` the adapter's ``new_course_slug()`` makes one
    from the title (``intro``, ``intro-2``, ...). Fields left out take the model's defaults.
    """
    if not str(title or "").strip():
        raise InvalidInput({"title": ["This field is required."]})
    fields = given(
        title=title,
        description=description,
        enrollment_open=enrollment_open,
        capacity=capacity,
        grading_policy=grading_policy,
        grading_scheme=grading_scheme,
        letter_grades=letter_grades,
        timezone=timezone,
        late_days=late_days,
        max_late_days_per_task=max_late_days_per_task,
    )
    check_description(fields.get("description"))
    _clean_course_grading(fields)
    clean_course_accommodation_fields(fields)
    cleaned_tasks = _clean_nested_tasks(tasks)
    course = _insert_course(slug=slug, creator=creator, fields=fields)
    Enrollment.objects.create(user=creator, course=course, role=CourseRole.INSTRUCTOR)
    forget_course_roles(creator)
    created = Task.objects.bulk_create(
        [Task(course=course, **data) for data, _, _ in cleaned_tasks]
    )
    through = Task.prerequisites.through
    through.objects.bulk_create(
        [
            through(from_task_id=created[i].pk, to_task_id=created[p].pk)
            for i, (_, prerequisites, _) in enumerate(cleaned_tasks)
            for p in dict.fromkeys(prerequisites)
        ]
    )
    adapter = get_adapter()
    adapter.save_extra(key="course_create", instance=course, data=dict(extra or {}))
    for task, (_, _, task_extra) in zip(created, cleaned_tasks, strict=True):
        adapter.save_extra(key="task_create", instance=task, data=task_extra)
    return course


@transaction.atomic
def update_course(
    *,
    course: Course,
    title: str | NotGiven = NOT_GIVEN,
    description: str | NotGiven = NOT_GIVEN,
    enrollment_open: bool | NotGiven = NOT_GIVEN,
    capacity: int | NotGiven | None = NOT_GIVEN,
    grading_policy: str | NotGiven = NOT_GIVEN,
    grading_scheme: str | NotGiven = NOT_GIVEN,
    letter_grades: Sequence[Mapping[str, Any]] | NotGiven = NOT_GIVEN,
    timezone: str | NotGiven = NOT_GIVEN,
    late_days: int | NotGiven = NOT_GIVEN,
    max_late_days_per_task: int | NotGiven | None = NOT_GIVEN,
    by: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> Course:
    """Change a course's catalog and grading fields (those given). The slug never changes;
    status changes through :func:`publish` and :func:`archive`.

    Switching to ``weighted`` checks that the course's group weights add up to at most 100
    (400 on ``grading_scheme`` naming the sum), under the course lock that the group flows
    take too, so a group created meanwhile cannot slip past the check."""
    fields = given(
        title=title,
        description=description,
        enrollment_open=enrollment_open,
        capacity=capacity,
        grading_policy=grading_policy,
        grading_scheme=grading_scheme,
        letter_grades=letter_grades,
        timezone=timezone,
        late_days=late_days,
        max_late_days_per_task=max_late_days_per_task,
    )
    check_description(fields.get("description"))
    _clean_course_grading(fields)
    clean_course_accommodation_fields(fields)
    changed = {
        name
        for name in COURSE_GRADING_FIELDS & set(fields)
        if fields[name] != getattr(course, name)
    }
    if "grading_scheme" in changed and fields["grading_scheme"] == GradingScheme.WEIGHTED:
        _lock(course)
        weights = AssignmentGroup.objects.filter(course=course).values_list("weight", flat=True)
        check_group_weights(weights, field="grading_scheme")
    for name, value in fields.items():
        setattr(course, name, value)
    if fields:
        course.save(update_fields=[*fields, "modified"])
    if changed:
        if "grading_scheme" in changed:
            kind = GradingChangeKind.SCHEME
        elif "grading_policy" in changed:
            kind = GradingChangeKind.POLICY
        else:
            kind = GradingChangeKind.LETTERS
        grading_changed(course=course, by=by, kind=kind)
    get_adapter().save_extra(key="course_update", instance=course, data=dict(extra or {}))
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
    # After the status check: a course that is already published answers invalid_transition
    # whatever its tasks, so a client learns the state problem first.
    if target == CourseStatus.PUBLISHED and not locked.tasks.filter(is_published=True).exists():
        raise Conflict(
            "Publish at least one task before publishing the course.", code="course_empty"
        )
    locked.status = target
    if target == CourseStatus.PUBLISHED and locked.published_at is None:
        locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at", "modified"])
    return locked


@transaction.atomic
def publish(*, course: Course) -> Course:
    """draft → published, or archived → published (reopen). ``published_at`` keeps the first
    publication's time. A course without a published task is refused (409 ``course_empty``)
    after the transition check, so a course in the wrong state still answers
    ``invalid_transition``."""
    return _transition(course, "publish")


@transaction.atomic
def delete_course(*, course: Course) -> None:
    """Delete a course with its tasks, enrollments, extensions, submissions and progress.

    The course row is locked first, so an enrollment or a submit racing the delete either
    lands before it (and goes with it) or finds the course gone (404).
    """
    _lock(course).delete()


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
def create_task(
    *,
    course: Course,
    title: str | NotGiven = NOT_GIVEN,
    description: str | NotGiven = NOT_GIVEN,
    kind: str | NotGiven = NOT_GIVEN,
    position: int | NotGiven | None = NOT_GIVEN,
    max_score: float | NotGiven = NOT_GIVEN,
    weight: float | NotGiven = NOT_GIVEN,
    group: AssignmentGroup | int | NotGiven | None = NOT_GIVEN,
    opens_at: datetime | NotGiven | None = NOT_GIVEN,
    due_at: datetime | NotGiven | None = NOT_GIVEN,
    closes_at: datetime | NotGiven | None = NOT_GIVEN,
    max_attempts: int | NotGiven | None = NOT_GIVEN,
    late_policy: Mapping[str, Any] | NotGiven = NOT_GIVEN,
    is_published: bool | NotGiven = NOT_GIVEN,
    release: str | NotGiven = NOT_GIVEN,
    anonymous_grading: bool | NotGiven = NOT_GIVEN,
    config: Any = NOT_GIVEN,
    rubric: Rubric | int | NotGiven | None = NOT_GIVEN,
    daily_submission_limit: int | NotGiven | None = NOT_GIVEN,
    time_limit_minutes: int | NotGiven | None = NOT_GIVEN,
    late_days_allowed: bool | NotGiven = NOT_GIVEN,
    group_set: GroupSet | int | NotGiven | None = NOT_GIVEN,
    prerequisites: Iterable[Task | int] = (),
    by: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> Task:
    """Add a task to ``course``; ``position`` defaults to after the last task, fields left
    out to the model's defaults."""
    fields = given(
        title=title,
        description=description,
        kind=kind,
        position=position,
        max_score=max_score,
        weight=weight,
        group=group,
        opens_at=opens_at,
        due_at=due_at,
        closes_at=closes_at,
        max_attempts=max_attempts,
        late_policy=late_policy,
        is_published=is_published,
        release=release,
        anonymous_grading=anonymous_grading,
        daily_submission_limit=daily_submission_limit,
        time_limit_minutes=time_limit_minutes,
        late_days_allowed=late_days_allowed,
        group_set=group_set,
        config=config,
    )
    cleaned = clean_task(fields)
    if "group" in cleaned:
        cleaned["group"] = course_group(course, cleaned["group"])
    if "group_set" in cleaned:
        cleaned["group_set"] = course_group_set(course, cleaned["group_set"])
    if rubric is not NOT_GIVEN and rubric is not None:
        max_score_of = cleaned.get("max_score", Task._meta.get_field("max_score").default)
        cleaned["rubric"] = rubrics.check_task_rubric(
            course=course, rubric=rubric, max_score=max_score_of
        )
    prerequisite_ids = check_prerequisites(course=course, task=None, prerequisites=prerequisites)
    if cleaned.get("position") is None:
        # Two creates (or a create and a reorder) read "the last position" one at a time.
        _lock(course)
        last = course.tasks.order_by("-position").values_list("position", flat=True).first()
        cleaned["position"] = (last or 0) + 1
    task = Task.objects.create(course=course, **cleaned)
    task.prerequisites.set(prerequisite_ids)
    if task.anonymous_grading:
        anonymity.anonymity_switched_on(task=task)
    if task.is_published:
        grading_changed(course=course, by=by, kind=GradingChangeKind.TASK)
    get_adapter().save_extra(key="task_create", instance=task, data=dict(extra or {}))
    return task


@transaction.atomic
def update_task(
    *,
    task: Task,
    title: str | NotGiven = NOT_GIVEN,
    description: str | NotGiven = NOT_GIVEN,
    kind: str | NotGiven = NOT_GIVEN,
    position: int | NotGiven | None = NOT_GIVEN,
    max_score: float | NotGiven = NOT_GIVEN,
    weight: float | NotGiven = NOT_GIVEN,
    group: AssignmentGroup | int | NotGiven | None = NOT_GIVEN,
    opens_at: datetime | NotGiven | None = NOT_GIVEN,
    due_at: datetime | NotGiven | None = NOT_GIVEN,
    closes_at: datetime | NotGiven | None = NOT_GIVEN,
    max_attempts: int | NotGiven | None = NOT_GIVEN,
    late_policy: Mapping[str, Any] | NotGiven = NOT_GIVEN,
    is_published: bool | NotGiven = NOT_GIVEN,
    release: str | NotGiven = NOT_GIVEN,
    anonymous_grading: bool | NotGiven = NOT_GIVEN,
    config: Any = NOT_GIVEN,
    rubric: Rubric | int | NotGiven | None = NOT_GIVEN,
    daily_submission_limit: int | NotGiven | None = NOT_GIVEN,
    time_limit_minutes: int | NotGiven | None = NOT_GIVEN,
    late_days_allowed: bool | NotGiven = NOT_GIVEN,
    group_set: GroupSet | int | NotGiven | None = NOT_GIVEN,
    prerequisites: Iterable[Task | int] | None = None,
    by: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> Task:
    """Change the task fields given; ``config`` is validated again whenever ``kind`` or
    ``config`` change, dates against the values they leave in place.

    A changed ``due_at``, ``closes_at`` or ``late_policy`` re-applies the deadlines to the
    task's past submissions in this transaction
    (:func:`learnplat.flows.deadlines.recompute_task_lateness`; ``by`` is the grade
    history's actor)."""
    fields = given(
        title=title,
        description=description,
        kind=kind,
        position=position,
        max_score=max_score,
        weight=weight,
        group=group,
        opens_at=opens_at,
        due_at=due_at,
        closes_at=closes_at,
        max_attempts=max_attempts,
        late_policy=late_policy,
        is_published=is_published,
        release=release,
        anonymous_grading=anonymous_grading,
        daily_submission_limit=daily_submission_limit,
        time_limit_minutes=time_limit_minutes,
        late_days_allowed=late_days_allowed,
        group_set=group_set,
        config=config,
    )
    cleaned = clean_task(fields, current=task)
    if "group" in cleaned:
        cleaned["group"] = course_group(task.course, cleaned["group"])
    if "group_set" in cleaned:
        cleaned["group_set"] = course_group_set(task.course, cleaned["group_set"])
    if rubric is not NOT_GIVEN or ("max_score" in cleaned and task.rubric_id is not None):
        cleaned["rubric"] = rubrics.check_task_rubric(
            course=task.course,
            rubric=task.rubric_id if rubric is NOT_GIVEN else rubric,
            max_score=cleaned.get("max_score", task.max_score),
        )
    worth_changed, deadlines_changed = (
        any(getattr(task, name) != cleaned[name] for name in names & set(cleaned))
        for names in (TASK_GRADING_FIELDS, TASK_DEADLINE_FIELDS)
    )
    if prerequisites is not None:
        # Two concurrent edits could each close half of a cycle; the course lock orders them.
        _lock(task.course)
        ids = check_prerequisites(course=task.course, task=task, prerequisites=prerequisites)
    switched_on = cleaned.get("anonymous_grading") is True and not task.anonymous_grading
    for name, value in cleaned.items():
        setattr(task, name, value)
    if cleaned:
        task.save(update_fields=[*cleaned, "modified"])
    if switched_on:
        anonymity.anonymity_switched_on(task=task)
    if prerequisites is not None:
        task.prerequisites.set(ids)
    if deadlines_changed:
        deadlines.recompute_task_lateness(task=task, by=by)
    if worth_changed:
        grading_changed(course=task.course, by=by, kind=GradingChangeKind.TASK)
    get_adapter().save_extra(key="task_update", instance=task, data=dict(extra or {}))
    return task


@transaction.atomic
def reorder_tasks(
    *, course: Course, order: Sequence[int], extra: Mapping[str, Any] | None = None
) -> Course:
    """Give ``course``'s tasks the positions 1, 2, ... in the order of the task ids ``order``.

    ``order`` must hold every task of the course exactly once (400 with the error on
    ``order`` otherwise, nothing written): a client that missed a task created meanwhile is
    told, not silently half-applied. The course row is locked first, as :func:`create_task`
    locks it to give a new task the last position, so concurrent reorders and creates run one
    after the other. Only tasks whose position changes are written (and get a new
    ``modified``). Positions carry no unique constraint, so no order of writes collides.
    Returns the locked course.
    """
    locked = _lock(course)
    tasks = {task.pk: task for task in Task.objects.filter(course=locked).only("pk", "position")}
    wanted = list(order)
    problems: list[str] = []
    duplicates = sorted(pk for pk, times in Counter(wanted).items() if times > 1)
    if duplicates:
        problems.append(f"Each task must appear once; {duplicates} appear more than once.")
    # Unknown ids and tasks of other courses get the same answer: no hint at other courses.
    strangers = sorted({pk for pk in wanted if pk not in tasks})
    if strangers:
        problems.append(f"{strangers} are not tasks of this course.")
    missing = sorted(set(tasks) - set(wanted))
    if missing:
        problems.append(f"Every task of the course must be listed; {missing} are missing.")
    if problems:
        raise InvalidInput({"order": problems})
    now = timezone.now()
    moved = []
    for position, pk in enumerate(wanted, start=1):
        task = tasks[pk]
        if task.position != position:
            task.position, task.modified = position, now
            moved.append(task)
    Task.objects.bulk_update(moved, ["position", "modified"])
    cache.changed(course=locked, catalog=True)  # bulk_update sends no signal
    get_adapter().save_extra(key="task_reorder", instance=locked, data=dict(extra or {}))
    return locked


@transaction.atomic
def delete_task(*, task: Task, by: Any = None) -> None:
    """Delete a task with its submissions, extensions and progress rows; the course's
    progress is rebuilt without it when it was published."""
    delete_tasks(tasks=Task.objects.filter(pk=task.pk), by=by)


@transaction.atomic
def delete_tasks(*, tasks: QuerySet[Task], by: Any = None) -> None:
    """Delete ``tasks`` like :func:`delete_task`, rebuilding each affected course's progress
    once however many of its tasks go."""
    courses = list(
        Course.objects.filter(pk__in=tasks.filter(is_published=True).values("course_id"))
    )
    tasks.delete()
    for course in courses:
        grading_changed(course=course, by=by, kind=GradingChangeKind.TASK)

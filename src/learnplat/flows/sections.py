"""Sections: create, edit, delete, and put students in them.

A section has its own staff (course staff only: instructors or assistants) and, per task of
its course, its own dates (:class:`~learnplat.courses.models.SectionDate`). ``dates`` is
written whole (replace-all). Each section date is checked against the one order rule
(:func:`learnplat.courses.validation.check_date_order`, applied to the dates the section's
students get: the section's where set, else the task's) and must lie inside the task's own
``[opens_at, closes_at]`` wherever those are set: a section may move its due date later than
the task's, never past the task's hard close (decision 0028).

Students are moved one at a time (:func:`assign_section`) or from a ``username,section``
CSV (:func:`assign_sections`, decision 0033). Changing a section's dates, deleting a
section (its enrollments become section-less) and moving students to another section
recompute the lateness of the students concerned in
the same transaction (:func:`learnplat.flows.deadlines.recompute_students_lateness`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from learnplat import cache
from learnplat.adapter import get_adapter
from learnplat.courses.choices import STAFF_ROLES, CourseRole, EnrollmentStatus
from learnplat.courses.models import Course, Enrollment, Section, SectionDate, Task
from learnplat.courses.validation import check_date_order
from learnplat.exceptions import BadRequest, Conflict, InvalidInput
from learnplat.flows import NOT_GIVEN, NotGiven
from learnplat.flows.deadlines import recompute_students_lateness
from learnplat.flows.gradebook_import import RowError

__all__ = [
    "assign_section",
    "assign_sections",
    "create_section",
    "delete_section",
    "update_section",
]

NAME_MAX_LENGTH = 100
_DATE_FIELDS = ("opens_at", "due_at", "closes_at")


def _clean_name(course: Course, name: Any, *, section: Section | None = None) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput({"name": ["This field may not be blank."]})
    name = name.strip()
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(
            {"name": [f"Ensure this field has no more than {NAME_MAX_LENGTH} characters."]}
        )
    others = Section.objects.filter(course=course, name=name)
    if section is not None:
        others = others.exclude(pk=section.pk)
    if others.exists():
        raise InvalidInput({"name": ["The course already has a section of this name."]})
    return name


def _clean_staff(course: Course, staff: Any) -> list[Any]:
    """The users of ``staff`` (users or ids), each an active instructor or assistant of
    ``course``, else a 400 on ``staff``."""
    if not isinstance(staff, Sequence) or isinstance(staff, str):
        raise InvalidInput({"staff": ["Expected a list of user ids."]})
    ids: set[Any] = {getattr(member, "pk", member) for member in staff}
    found = {
        enrollment.user_id: enrollment.user
        for enrollment in Enrollment.objects.filter(
            course=course,
            user_id__in=ids,
            role__in=STAFF_ROLES,
            status=EnrollmentStatus.ACTIVE,
        ).select_related("user")
    }
    missing = sorted(str(i) for i in ids if i not in found)
    if missing:
        raise InvalidInput(
            {
                "staff": [
                    f"Not on the course's staff (instructor or assistant): {', '.join(missing)}."
                ]
            }
        )
    return list(found.values())


def _clean_dates(course: Course, dates: Any) -> list[dict[str, Any]]:
    """The section dates to store, or a 400 keyed ``{"dates": {index: {field: [...]}}}``."""
    if not isinstance(dates, Sequence) or isinstance(dates, str):
        raise InvalidInput({"dates": ["Expected a list of dates."]})
    task_ids: set[Any] = {
        getattr(d.get("task"), "pk", d.get("task")) for d in dates if isinstance(d, Mapping)
    }
    tasks = {task.pk: task for task in Task.objects.filter(course=course, pk__in=task_ids)}
    errors: dict[int, dict[str, list[str]]] = {}
    cleaned: list[dict[str, Any]] = []
    seen: set[int] = set()
    for index, date in enumerate(dates):
        if not isinstance(date, Mapping):
            errors[index] = {"non_field_errors": ["Expected an object."]}
            continue
        task = tasks.get(getattr(date.get("task"), "pk", date.get("task")))  # type: ignore[arg-type]
        if task is None:
            errors[index] = {"task": ["Not a task of this course."]}
            continue
        if task.pk in seen:
            errors[index] = {"task": ["This task already has dates in this section."]}
            continue
        seen.add(task.pk)
        values = {field: date.get(field) for field in _DATE_FIELDS}
        problems: dict[str, list[str]] = {}
        for field, value in values.items():
            if value is None:
                continue
            if task.opens_at is not None and value < task.opens_at:
                problems[field] = ["Must not be before the task's opens_at."]
            elif task.closes_at is not None and value > task.closes_at:
                problems[field] = ["Must not be after the task's closes_at."]
        if not problems:
            try:
                check_date_order(*(values[field] or getattr(task, field) for field in _DATE_FIELDS))
            except InvalidInput as error:
                problems = dict(error.errors)
        if problems:
            errors[index] = problems
            continue
        cleaned.append({"task": task, **values})
    if errors:
        raise InvalidInput({"dates": errors})
    return cleaned


def _write_dates(section: Section, dates: list[dict[str, Any]]) -> None:
    section.dates.all().delete()
    SectionDate.objects.bulk_create(SectionDate(section=section, **date) for date in dates)
    cache.changed(course=section.course_id)  # bulk_create sends no signal


def _dates_key(section: Section) -> set[tuple[Any, ...]]:
    return {
        (date.task_id, date.opens_at, date.due_at, date.closes_at) for date in section.dates.all()
    }


def _student_ids(section: Section) -> list[int]:
    return list(
        Enrollment.objects.filter(section=section, role=CourseRole.STUDENT).values_list(
            "user_id", flat=True
        )
    )


@transaction.atomic
def create_section(
    *,
    course: Course,
    name: Any,
    staff: Any = (),
    dates: Any = (),
    by: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> Section:
    """A new section of ``course`` (no students yet)."""
    Course.objects.select_for_update().get(pk=course.pk)
    clean_name = _clean_name(course, name)
    members = _clean_staff(course, staff)
    clean_dates = _clean_dates(course, dates)
    try:
        with transaction.atomic():
            section = Section.objects.create(
                course=course, name=clean_name, position=course.sections.count()
            )
    except IntegrityError:
        raise Conflict("The course already has a section of this name.", code="conflict") from None
    section.staff.set(members)
    _write_dates(section, clean_dates)
    get_adapter().save_extra(key="section_create", instance=section, data=dict(extra or {}))
    return section


@transaction.atomic
def update_section(
    *,
    section: Section,
    name: Any | NotGiven = NOT_GIVEN,
    staff: Any | NotGiven = NOT_GIVEN,
    dates: Any | NotGiven = NOT_GIVEN,
    by: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> Section:
    """Change what is given; ``staff`` and ``dates`` are replaced whole. New dates recompute
    the lateness of the section's students."""
    section = Section.objects.select_for_update().select_related("course").get(pk=section.pk)
    course = section.course
    if name is not NOT_GIVEN:
        section.name = _clean_name(course, name, section=section)
        section.save(update_fields=["name", "modified"])
    if staff is not NOT_GIVEN:
        section.staff.set(_clean_staff(course, staff))
    if dates is not NOT_GIVEN:
        clean_dates = _clean_dates(course, dates)
        before = _dates_key(section)
        _write_dates(section, clean_dates)
        if _dates_key(section) != before:
            recompute_students_lateness(course=course, user_ids=_student_ids(section), by=by)
    get_adapter().save_extra(key="section_update", instance=section, data=dict(extra or {}))
    return section


@transaction.atomic
def delete_section(*, section: Section, by: Any = None) -> None:
    """Delete ``section``: its enrollments become section-less and its students' lateness
    is recomputed against the task's own dates."""
    section = Section.objects.select_for_update().select_related("course").get(pk=section.pk)
    students = _student_ids(section)
    course = section.course
    section.delete()
    recompute_students_lateness(course=course, user_ids=students, by=by)


#: Why a staff enrollment is not put in a section: section staff are the section's ``staff``.
NOT_A_STUDENT = "Only students are placed in sections; staff are a section's `staff`."


@transaction.atomic
def assign_section(
    *,
    enrollment: Enrollment,
    section: Section | None,
    by: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> Enrollment:
    """Put the enrolled student in ``section`` (of the same course) or in none; their
    lateness is recomputed when the section changes. A dropped student's enrollment may be
    moved too: it keeps its section for when they come back (decision 0033). A staff
    enrollment may only be taken out of a section (400 on ``section``)."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if section is not None and section.course_id != enrollment.course_id:
        raise InvalidInput({"section": ["Not a section of this course."]})
    if section is not None and enrollment.role != CourseRole.STUDENT:
        raise InvalidInput({"section": [NOT_A_STUDENT]})
    new_id = section.pk if section is not None else None
    if enrollment.section_id != new_id:
        enrollment.section = section
        enrollment.save(update_fields=["section"])
        recompute_students_lateness(course=enrollment.course, user_ids=[enrollment.user_id], by=by)
    get_adapter().save_extra(key="enrollment_update", instance=enrollment, data=dict(extra or {}))
    return enrollment


# -- bulk assignment from a CSV --------------------------------------------------------------

#: The header of ``POST courses/{slug}/sections/assign/`` (any case, in this order).
ASSIGN_HEADER = ("username", "section")


@dataclass
class SectionChange:
    """One student the file moves: ``old``/``new`` None for no section."""

    row: int
    enrollment: Enrollment
    old: Section | None
    new: Section | None


@dataclass
class AssignResult:
    changes: list[SectionChange] = dataclass_field(default_factory=list)
    errors: list[RowError] = dataclass_field(default_factory=list)
    applied: bool = False


def assign_sections(
    *, course: Course, rows: list[list[str]], by: Any = None, dry_run: bool = True
) -> AssignResult:
    """Every move and row error of ``rows`` (a ``username,section`` CSV read by
    :func:`learnplat.flows.gradebook_import.read_csv`, header first); applied in one
    transaction when not ``dry_run`` and no row has an error, with one lateness recompute
    for every moved student. A fixed number of queries whatever the number of rows
    (plus the writes of the grades the recompute changes).

    400 ``invalid_file`` when the header is not ``username,section``.
    """
    header = tuple(cell.strip().lower() for cell in rows[0])
    if header != ASSIGN_HEADER:
        raise BadRequest(
            f"The header must be {','.join(ASSIGN_HEADER)}; got {','.join(rows[0])!r}.",
            code="invalid_file",
        )
    with transaction.atomic():
        if not dry_run:
            # Two uploads at once are applied one after the other, each planned on the
            # state the other left.
            Course.objects.select_for_update().get(pk=course.pk)
        result = _plan_assignment(course, rows)
        if dry_run or result.errors or not result.changes:
            return result
        moved = []
        for change in result.changes:
            change.enrollment.section = change.new
            moved.append(change.enrollment)
        Enrollment.objects.bulk_update(moved, ["section"])
        cache.changed(course=course)  # bulk_update sends no signal
        recompute_students_lateness(course=course, user_ids=[e.user_id for e in moved], by=by)
        result.applied = True
        return result


def _plan_assignment(course: Course, rows: list[list[str]]) -> AssignResult:
    result = AssignResult()
    username_field = get_user_model().USERNAME_FIELD
    enrollments = {
        enrollment.user.get_username().lower(): enrollment
        for enrollment in Enrollment.objects.filter(course=course).select_related("user", "section")
    }
    sections = list(Section.objects.filter(course=course))
    exact = {section.name: section for section in sections}
    folded = {section.name.lower(): section for section in sections}
    wanted = {row[0].strip().lower() for row in rows[1:] if row and row[0].strip()}
    strangers = wanted - set(enrollments)
    known = (
        set(
            get_user_model()
            ._default_manager.annotate(lp_username=Lower(username_field))
            .filter(lp_username__in=strangers)
            .values_list("lp_username", flat=True)
        )
        if strangers
        else set()
    )
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(ASSIGN_HEADER):
            result.errors.append(
                RowError(number, f"The row has {len(row)} columns; the header has 2.")
            )
            continue
        username, name = row[0].strip(), row[1].strip()
        key = username.lower()
        if not username:
            result.errors.append(RowError(number, "The username is empty."))
            continue
        if key in seen:
            result.errors.append(RowError(number, f"{username!r} is already on row {seen[key]}."))
            continue
        seen[key] = number
        enrollment = enrollments.get(key)
        if enrollment is None:
            detail = (
                f"{username!r} is not enrolled in this course."
                if key in known
                else f"No user has the username {username!r}."
            )
            result.errors.append(RowError(number, detail))
            continue
        if enrollment.role != CourseRole.STUDENT:
            result.errors.append(
                RowError(
                    number, f"{username!r} is an {enrollment.role} of this course. {NOT_A_STUDENT}"
                )
            )
            continue
        section = (exact.get(name) or folded.get(name.lower())) if name else None
        if name and section is None:
            result.errors.append(RowError(number, f"The course has no section {name!r}."))
            continue
        if enrollment.section_id != (section.pk if section else None):
            result.changes.append(SectionChange(number, enrollment, enrollment.section, section))
    return result

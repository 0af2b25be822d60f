"""``Task.objects.with_effective_dates()`` (SQL) and ``with_attached_effective_dates()`` (read
after the fetch) give what ``deadlines.effective_window`` gives."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from learnplat.courses.deadlines import effective_window
from learnplat.courses.models import Extension, Section, SectionDate, Task
from tests.factories import CourseFactory, TaskFactory, enroll, make_user

pytestmark = pytest.mark.django_db

#: Both ways of reading the effective dates, which must agree.
WAYS = pytest.mark.parametrize("way", ["with_effective_dates", "with_attached_effective_dates"])


@WAYS
def test_the_sql_and_the_python_rule_agree(way: str) -> None:
    now = timezone.now()
    at = {name: now + timedelta(days=d) for name, d in (("d1", 1), ("d3", 3), ("d5", 5))}
    course = CourseFactory()
    user, other = make_user(username="me"), make_user(username="other")
    enroll(user, course)
    enroll(other, course)
    cases: list[tuple[Task, Any, Any]] = []
    # Every shape of (due, close) and (own extension, course-wide extension or none).
    shapes = [(None, None), (at["d1"], None), (None, at["d3"]), (at["d1"], at["d3"])]
    extensions = [None, at["d1"], at["d5"]]
    for (due, closes), own in itertools.product(shapes, extensions):
        task = TaskFactory(course=course, due_at=due, closes_at=closes)
        if own is not None:
            Extension.objects.create(user=user, course=course, task=task, due_at=own)
        cases.append((task, due, closes))
    # The other user's course-wide extension applies to every task without one of its own.
    Extension.objects.create(user=other, course=course, due_at=at["d3"])
    Extension.objects.create(user=other, course=course, task=cases[1][0], due_at=at["d5"])
    for who in (user, other):
        rows = getattr(Task.objects.filter(course=course), way)(who)
        annotated = {t.pk: t for t in rows}
        for task, _, _ in cases:
            window = effective_window(task, who)
            row = annotated[task.pk]
            assert (row.effective_due_at, row.effective_closes_at) == (
                window.due_at,
                window.closes_at,
            ), (who, task.due_at, task.closes_at)


@WAYS
def test_the_sql_and_the_python_rule_agree_with_section_dates(way: str) -> None:
    now = timezone.now()
    at = {name: now + timedelta(days=d) for name, d in (("d1", 1), ("d2", 2), ("d3", 3), ("d6", 6))}
    course = CourseFactory()
    user, outsider = make_user(username="in-section"), make_user(username="no-section")
    section = Section.objects.create(course=course, name="Tuesday")
    placed = enroll(user, course)
    placed.section = section
    placed.save()
    enroll(outsider, course)
    other_course = CourseFactory(slug="other")
    enroll(user, other_course)  # enrolled elsewhere without a section: no effect here
    tasks = []
    # Every (task due, task close), (section due, section close) and own extension.
    task_shapes = [(None, None), (at["d1"], at["d3"]), (at["d1"], None)]
    section_shapes = [None, (at["d2"], None), (None, at["d2"]), (at["d2"], at["d3"])]
    for (due, closes), dates, extended in itertools.product(
        task_shapes, section_shapes, [None, at["d6"]]
    ):
        task = TaskFactory(course=course, due_at=due, closes_at=closes)
        if dates is not None:
            SectionDate.objects.create(
                section=section, task=task, due_at=dates[0], closes_at=dates[1]
            )
        if extended is not None:
            Extension.objects.create(user=user, course=course, task=task, due_at=extended)
        tasks.append((task, dates, extended))
    for who in (user, outsider):
        rows = getattr(Task.objects.filter(course=course), way)(who)
        annotated = {t.pk: t for t in rows}
        for task, _, _ in tasks:
            window = effective_window(task, who)
            row = annotated[task.pk]
            assert (row.effective_due_at, row.effective_closes_at) == (
                window.due_at,
                window.closes_at,
            ), (who, task.due_at, task.closes_at)
    # The section's due date is really used (not equal by both sides ignoring it).
    moved = next(t for t, dates, extended in tasks if dates and dates[0] and not extended)
    assert Task.objects.with_effective_dates(user).get(pk=moved.pk).effective_due_at == at["d2"]
    assert Task.objects.with_effective_dates(outsider).get(pk=moved.pk).effective_due_at == (
        moved.due_at
    )

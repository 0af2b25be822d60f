"""Every progress and gradebook read costs the same number of queries at any size."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learnplat.courses.models import AssignmentGroup, Extension
from learnplat.flows.progress import recompute_progress
from learnplat.submissions.models import Submission
from tests.conftest import client_for
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.progress.factories import SubmissionFactory, graded

pytestmark = pytest.mark.django_db

SMALL, LARGE = (2, 2), (30, 10)  # (students or courses, tasks)


def queries(user: Any, url: str, params: dict[str, Any] | None = None) -> int:
    client = client_for(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
        assert response.status_code == 200
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


def course_with(
    students: int, tasks: int, tag: str, *, groups: bool = False
) -> tuple[Any, Any, Any]:
    """A course with its instructor, ``students`` students and ``tasks`` tasks, mostly graded.

    With ``groups`` the course is weighted, with a letter scale and two assignment groups
    (one dropping each student's lowest task) holding all but the last task."""
    course = CourseFactory(slug=f"course-{tag}")
    instructor = make_user("instructor", username=f"inst-{tag}")
    enroll(instructor, course, role="instructor")
    all_tasks = [TaskFactory(course=course) for _ in range(tasks)]
    if groups:
        course.grading_scheme = "weighted"
        course.letter_grades = [
            {"letter": "A", "min_percent": 50},
            {"letter": "B", "min_percent": 0},
        ]
        course.save()
        homework = AssignmentGroup.objects.create(
            course=course, name="Homework", weight=40, drop_lowest=1
        )
        exams = AssignmentGroup.objects.create(course=course, name="Exams", weight=50, position=1)
        for i, task in enumerate(all_tasks[:-1]):
            task.group = homework if i % 2 == 0 else exams
            task.save()
    TaskFactory(course=course, is_published=False)
    users = [make_user(username=f"{tag}-student-{n}") for n in range(students)]
    subs = []
    for n, student in enumerate(users):
        enroll(student, course)
        for i, task in enumerate(all_tasks):
            for attempt in range(1, 1 + (n + i) % 3):
                score = float((n + i + attempt) % 11)
                subs.append(
                    SubmissionFactory.build(
                        user=student, task=task, attempt=attempt, status="graded", score=score
                    )
                )
    Submission.objects.bulk_create(subs)
    # Progress rows as the incremental path would leave them (test_recompute proves it).
    recompute_progress(course=course)
    return course, instructor, users[0]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_gradebook(fmt: str) -> None:
    counts = []
    for tag, (students, tasks) in (("s", SMALL), ("l", LARGE)):
        course, instructor, _ = course_with(students, tasks, tag + fmt)
        url = reverse("learnplat:course-gradebook", kwargs={"slug": course.slug})
        counts.append(queries(instructor, url, {"format": fmt, "ordering": "-percent"}))
    assert counts[0] == counts[1], counts


def test_course_progress_own_and_as_staff() -> None:
    counts = []
    for tag, (students, tasks) in (("s", SMALL), ("l", LARGE)):
        course, instructor, student = course_with(students, tasks, tag)
        url = reverse("learnplat:course-progress", kwargs={"slug": course.slug})
        own = queries(student, url)
        staff = queries(instructor, url, {"user": student.pk})
        counts.append((own, staff))
    assert counts[0] == counts[1], counts


def student_in_courses(tag: str, courses: int, tasks: int, *, deadlines: bool = False) -> Any:
    """A student of ``courses`` courses of ``tasks`` tasks each, graded in every other course.

    With ``deadlines`` the tasks fall due a day apart from two days ago, and the student has
    a course-wide extension in every course and one of their own on every third task."""
    me = make_user(username=f"me-{tag}")
    now = timezone.now()
    for c in range(courses):
        course = CourseFactory()
        enroll(me, course)
        if deadlines:
            Extension.objects.create(user=me, course=course, due_at=now)
        for t in range(tasks):
            task = TaskFactory(
                course=course, due_at=now + timedelta(days=t - 2) if deadlines else None
            )
            if deadlines and t % 3 == 0:
                Extension.objects.create(
                    user=me, course=course, task=task, due_at=now + timedelta(days=t - 1)
                )
            if c % 2:  # half the courses without any submission
                graded(me, task, t)
    return me


@pytest.mark.parametrize(
    ("url_name", "deadlines"), [("progress-list", False), ("progress-upcoming", True)]
)
def test_my_progress_and_to_do(url_name: str, deadlines: bool) -> None:
    counts = []
    for tag, (courses, tasks) in (("s", SMALL), ("l", (12, 10))):
        me = student_in_courses(tag, courses, tasks, deadlines=deadlines)
        counts.append(queries(me, reverse(f"learnplat:{url_name}"), {"page_size": 100}))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_gradebook_and_progress_with_groups_and_drops_at_2x2_and_200x30(fmt: str) -> None:
    counts = []
    for tag, (students, tasks) in (("s", SMALL), ("l", (200, 30))):
        course, instructor, student = course_with(students, tasks, f"g{tag}{fmt}", groups=True)
        gradebook = reverse("learnplat:course-gradebook", kwargs={"slug": course.slug})
        progress = reverse("learnplat:course-progress", kwargs={"slug": course.slug})
        counts.append(
            (
                queries(instructor, gradebook, {"format": fmt, "page_size": 100}),
                queries(student, progress),
                queries(instructor, progress, {"user": student.pk}),
            )
        )
    assert counts[0] == counts[1], counts

"""Two parallel edits of a rubric in use: one new version, the other edit is refused
(PostgreSQL row lock on the rubric)."""

from __future__ import annotations

import pytest

from learnplat.courses.models import Rubric, Task
from learnplat.exceptions import Conflict
from learnplat.flows import rubrics as rubrics_flow
from learnplat.submissions.models import RubricAssessment, Submission
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_parallel_edits_of_a_rubric_in_use_make_one_version() -> None:
    course = CourseFactory(status="published")
    rubric = rubrics_flow.create_rubric(
        course=course, title="R", criteria=[{"title": "A", "levels": [{"title": "x", "points": 1}]}]
    )
    task = TaskFactory(course=course, kind="manual", config={}, max_score=5, rubric=rubric)
    student = make_user(username="racer")
    enroll(student, course)
    submission = Submission.objects.create(
        task=task, course=course, user=student, attempt=1, answer="x", max_score=5
    )
    criterion = rubric.criteria.get()
    RubricAssessment.objects.create(
        submission=submission, criterion=criterion, level=criterion.levels.get(), points=1
    )

    outcomes = race(
        lambda: rubrics_flow.update_rubric(rubric=rubric, title="First"),
        lambda: rubrics_flow.update_rubric(rubric=rubric, title="Second"),
    )

    errors = outcomes.errors()
    assert len(errors) == 1
    assert isinstance(errors[0], Conflict)
    assert errors[0].code == "rubric_superseded"
    current = Rubric.objects.get(is_current=True)
    assert current.version == 2
    assert Rubric.objects.count() == 2
    assert Task.objects.get(pk=task.pk).rubric_id == current.pk

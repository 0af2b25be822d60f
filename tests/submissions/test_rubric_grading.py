"""Grading with a rubric: ``POST submissions/{id}/grade/`` with ``rubric`` picks, the score
computed from the levels (plus the automatic part on an automatic kind), every bad input
with nothing written, the assessments replaced, the history kept, and the two ``parts``
students see once released (decision 0020)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learnplat.courses.models import Rubric, Task
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import grading as grading_flow
from learnplat.flows import release as release_flow
from learnplat.flows import rubrics as rubrics_flow
from learnplat.roles import Role
from learnplat.submissions.models import Evaluation, GradeChange, RubricAssessment, Submission
from tests.factories import MATRIX_ROLES as ROLES
from tests.factories import TaskFactory, enroll, make_user
from tests.submissions.conftest import World, queued

pytestmark = pytest.mark.django_db

CRITERIA = [
    {"title": "Style", "levels": [{"title": "Poor", "points": 0}, {"title": "Good", "points": 3}]},
    {"title": "Tests", "levels": [{"title": "None", "points": 0}, {"title": "Some", "points": 1}]},
]


def rubric_for(world: World) -> Rubric:
    return rubrics_flow.create_rubric(course=world.course, title="Essay", criteria=CRITERIA)


def ids(rubric: Rubric) -> list[tuple[int, list[int]]]:
    return [
        (c.pk, [lv.pk for lv in c.levels.order_by("position")])
        for c in rubric.criteria.order_by("position")
    ]


def manual_task(world: World, rubric: Rubric, **fields: Any) -> Task:
    return TaskFactory(
        course=world.course, kind="manual", config={}, max_score=4, rubric=rubric, **fields
    )


def submitted(world: World, task: Task, answer: Any = "essay", user: Any = None) -> Submission:
    submission = queued(world, answer, task=task, user=user)
    evaluate_flow.run_evaluation(submission.pk)
    submission.refresh_from_db()
    return submission


def grade_url(submission: Submission) -> str:
    return f"/api/submissions/{submission.pk}/grade/"


def picks(rubric: Rubric, choice: tuple[int, ...] = (1, 1), **extra: Any) -> list[dict[str, Any]]:
    return [
        {"criterion": c, "level": levels[i], **extra}
        for (c, levels), i in zip(ids(rubric), choice, strict=True)
    ]


@pytest.fixture
def rubric(world: World) -> Rubric:
    return rubric_for(world)


@pytest.fixture
def submission(world: World, rubric: Rubric) -> Submission:
    return submitted(world, manual_task(world, rubric))


@pytest.mark.parametrize(
    ("role", "code"),
    list(
        {
            "anonymous": 401,
            "outsider": 404,
            "student": 403,
            "other_student": 404,
            "assistant": 200,
            "other_instructor": 404,
            "instructor": 200,
            "admin": 200,
        }.items()
    ),
)
def test_who_grades_with_a_rubric(
    world: World, rubric: Rubric, submission: Submission, role: str, code: int
) -> None:
    assert set(ROLES) >= {role}
    response = world.client(role).post(
        grade_url(submission), {"rubric": picks(rubric)}, format="json"
    )
    assert response.status_code == code
    assert RubricAssessment.objects.count() == (2 if code == 200 else 0)


def test_the_score_is_the_sum_of_the_chosen_levels(
    world: World, rubric: Rubric, submission: Submission
) -> None:
    response = world.client("assistant").post(
        grade_url(submission),
        {"rubric": picks(rubric, (1, 0), comment=" nice "), "feedback": "Well done"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["score"], body["feedback"]) == ("graded", 3, "Well done")
    rubric_part = body["parts"]["rubric"]
    assert body["parts"]["automatic"] is None
    assert (rubric_part["score"], rubric_part["max_score"]) == (3, 4)
    assert [
        (r["title"], r["level_title"], r["points"], r["max_points"], r["comment"])
        for r in rubric_part["criteria"]
    ] == [
        ("Style", "Good", 3, 3, "nice"),
        ("Tests", "None", 0, 1, "nice"),
    ]
    rows = list(RubricAssessment.objects.order_by("criterion__position"))
    assert [(r.points, r.grader) for r in rows] == [(3, world.assistant), (0, world.assistant)]
    evaluation = Evaluation.objects.filter(submission=submission, trigger="manual").get()
    assert [p["points"] for p in evaluation.result["rubric"]] == [3, 0]
    assert GradeChange.objects.filter(submission=submission).last().new_score == 3  # type: ignore[union-attr]


def test_a_second_grade_replaces_the_picks_and_the_history_keeps_both(
    world: World, rubric: Rubric, submission: Submission
) -> None:
    client = world.client("instructor")
    client.post(grade_url(submission), {"rubric": picks(rubric, (0, 0))}, format="json")
    response = client.post(
        grade_url(submission),
        {"rubric": picks(rubric, (1, 1)), "reason": "Looked again"},
        format="json",
    )
    assert response.json()["score"] == 4
    assert RubricAssessment.objects.filter(submission=submission).count() == 2
    results = [
        e.result["rubric_score"] for e in Evaluation.objects.filter(trigger="manual").order_by("id")
    ]
    assert results == [0, 4]
    last = GradeChange.objects.filter(submission=submission).order_by("id").last()
    assert last is not None
    assert (last.old_score, last.new_score, last.reason) == (
        0,
        4,
        "Looked again",
    )


def bad_bodies(rubric: Rubric, other: Rubric) -> list[tuple[Any, str]]:
    (c1, l1), (c2, l2) = ids(rubric)
    (foreign_c, foreign_l), _ = ids(other)
    return [
        ({"rubric": [{"criterion": c1, "level": l1[0]}]}, "missing"),
        (
            {"rubric": [{"criterion": c1, "level": l2[0]}, {"criterion": c2, "level": l2[0]}]},
            "level",
        ),
        (
            {
                "rubric": [
                    {"criterion": foreign_c, "level": foreign_l[0]},
                    {"criterion": c2, "level": l2[0]},
                ]
            },
            "criterion",
        ),
        (
            {
                "rubric": [
                    {"criterion": c1, "level": l1[0]},
                    {"criterion": c1, "level": l1[1]},
                    {"criterion": c2, "level": l2[0]},
                ]
            },
            "twice",
        ),
        ({"rubric": [{"criterion": "x", "level": l1[0]}]}, "type"),
        ({"rubric": "Style: good"}, "type"),
        ({"rubric": []}, "missing"),
        ({"score": 3}, "score"),
        ({"score": 3, "rubric": picks(rubric)}, "score"),
        ({}, "required"),
    ]


def test_bad_picks_are_400_and_write_nothing(
    world: World, rubric: Rubric, submission: Submission
) -> None:
    other = rubrics_flow.create_rubric(course=world.course, title="Other", criteria=CRITERIA)
    client = world.client("instructor")
    before = Submission.objects.get(pk=submission.pk)
    for body, _why in bad_bodies(rubric, other):
        response = client.post(grade_url(submission), body, format="json")
        assert response.status_code == 400, (body, response.json())
        assert set(response.json()) <= {"rubric", "score"}, response.json()
    after = Submission.objects.get(pk=submission.pk)
    assert (after.status, after.score) == (before.status, before.score)
    assert not RubricAssessment.objects.exists()
    assert not Evaluation.objects.filter(trigger="manual").exists()


def test_a_level_of_another_criterion_is_named_on_its_item(
    world: World, rubric: Rubric, submission: Submission
) -> None:
    (c1, _l1), (c2, l2) = ids(rubric)
    body = {"rubric": [{"criterion": c1, "level": l2[0]}, {"criterion": c2, "level": l2[0]}]}
    errors = world.client("instructor").post(grade_url(submission), body, format="json").json()
    assert list(errors["rubric"]) == ["0"]
    assert "level" in errors["rubric"]["0"]


def test_rubric_picks_on_a_task_without_rubric_are_400(world: World, rubric: Rubric) -> None:
    submission = submitted(world, world.task)
    response = world.client("instructor").post(
        grade_url(submission), {"rubric": picks(rubric)}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"rubric"}
    assert (
        world.client("instructor")
        .post(grade_url(submission), {"score": 5}, format="json")
        .status_code
        == 200
    )


def test_grades_keep_their_version_after_an_edit(
    world: World, rubric: Rubric, submission: Submission
) -> None:
    client = world.client("instructor")
    client.post(grade_url(submission), {"rubric": picks(rubric)}, format="json")
    new = rubrics_flow.update_rubric(rubric=rubric, title="Essay v2")
    assert new.pk != rubric.pk
    assert submission.task.__class__.objects.get(pk=submission.task_id).rubric_id == new.pk
    body = client.get(f"/api/submissions/{submission.pk}/").json()
    assert [r["criterion"] for r in body["parts"]["rubric"]["criteria"]] == [
        c for c, _ in ids(rubric)
    ]
    # Grading again uses the current version; old picks are refused.
    assert (
        client.post(grade_url(submission), {"rubric": picks(rubric)}, format="json").status_code
        == 400
    )
    assert (
        client.post(grade_url(submission), {"rubric": picks(new, (0, 1))}, format="json").json()[
            "score"
        ]
        == 1
    )


def test_students_see_the_parts_only_once_released(world: World, rubric: Rubric) -> None:
    task = manual_task(world, rubric, release="manual")
    submission = submitted(world, task)
    grading_flow.grade_with_rubric(submission=submission, by=world.instructor, rubric=picks(rubric))
    mine = world.client("student").get(f"/api/submissions/{submission.pk}/").json()
    assert (mine["score"], mine["parts"]) == (None, None)
    staff = world.client("assistant").get(f"/api/submissions/{submission.pk}/").json()
    assert staff["parts"]["rubric"]["score"] == 4
    release_flow.release_task(task=task, by=world.instructor)
    mine = world.client("student").get(f"/api/submissions/{submission.pk}/").json()
    assert mine["parts"]["rubric"]["score"] == 4
    assert mine["parts"]["rubric"]["criteria"][0]["level_title"] == "Good"


def test_a_task_without_rubric_has_no_parts(world: World) -> None:
    submission = submitted(world, world.task, "4")
    assert world.client("student").get(f"/api/submissions/{submission.pk}/").json()["parts"] is None


# -- automatic + rubric -----------------------------------------------------------------------


def test_automatic_plus_rubric(world: World, rubric: Rubric) -> None:
    # exact kind, right answer: the automatic part is 10 - 4 = 6 of the task's 10.
    task = TaskFactory(course=world.course, max_score=10, rubric=rubric)
    submission = submitted(world, task, "4")
    assert (submission.status, submission.score) == ("needs_review", 6)
    body = world.client("student").get(f"/api/submissions/{submission.pk}/").json()
    assert body["parts"]["automatic"] == {"score": 6, "max_score": 6}
    assert (body["parts"]["rubric"]["score"], body["parts"]["rubric"]["max_score"]) == (None, 4)
    graded = (
        world.client("instructor")
        .post(grade_url(submission), {"rubric": picks(rubric, (1, 0))}, format="json")
        .json()
    )
    assert (graded["status"], graded["score"]) == ("graded", 9)
    assert graded["parts"]["automatic"] == {"score": 6, "max_score": 6}
    assert graded["parts"]["rubric"]["score"] == 3
    evaluation = Evaluation.objects.filter(submission=submission, trigger="manual").get()
    assert evaluation.result["automatic_score"] == 6


def test_a_wrong_automatic_answer_still_gets_the_rubric_points(
    world: World, rubric: Rubric
) -> None:
    task = TaskFactory(course=world.course, max_score=10, rubric=rubric)
    submission = submitted(world, task, "5")
    assert submission.score == 0
    graded = grading_flow.grade_with_rubric(
        submission=submission, by=world.instructor, rubric=picks(rubric)
    )
    assert graded.score == 4


def test_a_regrade_after_the_rubric_grade_keeps_the_rubric_points(
    world: World, rubric: Rubric
) -> None:
    task = TaskFactory(course=world.course, max_score=10, rubric=rubric)
    submission = submitted(world, task, "4")
    grading_flow.grade_with_rubric(
        submission=submission, by=world.instructor, rubric=picks(rubric, (1, 0))
    )
    grading_flow.regrade(submission_ids=[submission.pk], by=world.instructor)
    evaluate_flow.run_evaluation(submission.pk)
    submission.refresh_from_db()
    assert (submission.status, submission.score) == ("graded", 9)


# -- query counts ------------------------------------------------------------------------------


def test_the_submission_list_with_rubric_parts_costs_the_same_for_more_rows(
    world: World, rubric: Rubric, django_assert_num_queries: Any
) -> None:
    task = TaskFactory(course=world.course, max_score=10, rubric=rubric)
    client = world.client("instructor")

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            user = make_user(Role.STUDENT, username=f"r{i}")
            enroll(user, world.course)
            s = submitted(world, task, "4", user=user)
            grading_flow.grade_with_rubric(submission=s, by=world.instructor, rubric=picks(rubric))

    add(2, 0)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/submissions/").status_code == 200
    add(8, 2)
    with django_assert_num_queries(len(small)):
        rows = client.get("/api/submissions/").json()["results"]
    assert len(rows) == 10
    assert all(r["parts"]["rubric"]["score"] == 4 for r in rows)

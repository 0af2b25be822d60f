"""A submission names its student, task and course (``student``, ``task_title``, ``course``)
for everyone who may read it, beside the unchanged ``user`` and ``task`` ids."""

from __future__ import annotations

import pytest

from learnplat.flows import evaluate as evaluate_flow
from tests.submissions.conftest import World, queued


@pytest.fixture
def submission(world: World) -> object:
    world.student.first_name, world.student.last_name = "Ada", "Lovelace"
    world.student.save()
    world.task.title = "Add two numbers"
    world.task.save()
    made = queued(world, "4")
    evaluate_flow.run_evaluation(made.pk)
    return made


def expected(world: World, submission: object) -> dict[str, object]:
    return {
        "task": world.task.pk,
        "task_title": "Add two numbers",
        "course": {"slug": "intro", "title": "Intro"},
        "user": world.student.pk,
        "student": {
            "id": world.student.pk,
            "username": "student",
            "first_name": "Ada",
            "last_name": "Lovelace",
        },
    }


def names(body: dict[str, object]) -> dict[str, object]:
    return {key: body[key] for key in ("task", "task_title", "course", "user", "student")}


@pytest.mark.parametrize("role", ["student", "instructor", "assistant", "admin", "superuser"])
def test_detail_and_list_name_the_student_task_and_course(
    world: World, submission: object, role: str
) -> None:
    client = world.client(role)
    detail = client.get(f"/api/submissions/{submission.pk}/")  # type: ignore[attr-defined]
    assert detail.status_code == 200, detail.content
    assert names(detail.json()) == expected(world, submission)
    listed = client.get("/api/submissions/?status=graded").json()["results"]
    assert [names(row) for row in listed] == [expected(world, submission)]


@pytest.mark.parametrize("role", ["other_student", "outsider", "other_instructor"])
def test_others_see_no_names(world: World, submission: object, role: str) -> None:
    client = world.client(role)
    response = client.get(f"/api/submissions/{submission.pk}/")  # type: ignore[attr-defined]
    assert response.status_code == 404
    assert client.get("/api/submissions/").json()["results"] == []


def test_grade_answer_names_them_too(world: World, submission: object) -> None:
    response = world.client("assistant").post(
        f"/api/submissions/{submission.pk}/grade/",  # type: ignore[attr-defined]
        {"score": 7, "feedback": "Good."},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert names(response.json()) == expected(world, submission)


def test_names_follow_renames(world: World, submission: object) -> None:
    world.course.title = "Introduction"
    world.course.save()
    world.student.first_name = "Augusta"
    world.student.save()
    body = world.client("instructor").get(f"/api/submissions/{submission.pk}/").json()  # type: ignore[attr-defined]
    assert body["course"] == {"slug": "intro", "title": "Introduction"}
    assert body["student"]["first_name"] == "Augusta"

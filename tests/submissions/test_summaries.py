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


def test_mine_teaching_lists_the_courses_graded_never_the_graders_own_answers(
    world: World, submission: object
) -> None:
    # The assistant of ``intro`` takes ``other`` as a student and has an answer waiting there.
    from tests.factories import TaskFactory, enroll

    enroll(world.assistant, world.other_course)
    elsewhere = TaskFactory(course=world.other_course, is_published=True)
    own = queued(world, "4", user=world.assistant, task=elsewhere)
    client = world.client("assistant")

    everything = {row["id"] for row in client.get("/api/submissions/").json()["results"]}
    assert everything == {submission.pk, own.pk}  # type: ignore[attr-defined]
    teaching = client.get("/api/submissions/?mine=teaching").json()
    assert [row["id"] for row in teaching["results"]] == [submission.pk]  # type: ignore[attr-defined]
    assert teaching["count"] == 1
    own_page = client.get("/api/submissions/?mine=own").json()
    assert [row["id"] for row in own_page["results"]] == [own.pk]


@pytest.mark.parametrize("role", ["student", "outsider"])
def test_mine_teaching_is_empty_for_people_who_teach_nothing(
    world: World, submission: object, role: str
) -> None:
    body = world.client(role).get("/api/submissions/?mine=teaching").json()
    assert body["count"] == 0


def test_mine_rejects_an_unknown_value(world: World) -> None:
    response = world.client("instructor").get("/api/submissions/?mine=everything")
    assert response.status_code == 400
    assert "mine" in response.json()

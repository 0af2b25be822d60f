"""GET/POST courses/{slug}/tasks/ and GET/PATCH/DELETE tasks/{id}/."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.courses.models import Course, Task
from learnplat.evaluation.registry import get_evaluator
from learnplat.flows.submit import submit
from learnplat.progress.models import CourseProgress
from learnplat.submissions.models import Submission
from tests.courses.conftest import World, assert_same_query_count, matrix, url
from tests.factories import TaskFactory
from tests.overrides import LearnplatSettings

pytestmark = pytest.mark.django_db

TASK_KEYS = {
    "id",
    "anonymous_grading",
    "course",
    "title",
    "description",
    "kind",
    "position",
    "max_score",
    "weight",
    "group",
    "opens_at",
    "due_at",
    "closes_at",
    "max_attempts",
    "late_policy",
    "prerequisites",
    "is_published",
    "release",
    "rubric",
    "daily_submission_limit",
    "time_limit_minutes",
    "late_days_allowed",
    "group_set",
    "released_at",
    "public_config",
}


def new_task(**extra: Any) -> dict[str, Any]:
    return {"title": "New", "kind": "numeric", "config": {"value": 3.14, "abs_tol": 0.01}, **extra}


@matrix(
    anonymous=401,
    outsider=403,
    student=200,
    assistant=200,
    other_instructor=403,
    instructor=200,
    admin=200,
)
def test_list_matrix(world: World, role: str, code: int) -> None:
    response = world.client(role).get(url("course-tasks", "intro"))
    assert response.status_code == code
    if code == 200:
        titles = [t["title"] for t in response.json()["results"]]
        assert titles == (["Visible"] if role == "student" else ["Visible", "Hidden"])


@pytest.mark.parametrize("role", ["anonymous", "outsider", "student", "other_instructor"])
def test_tasks_of_a_draft_are_404_for_outsiders(world: World, role: str) -> None:
    assert world.client(role).get(url("course-tasks", "secret")).status_code == 404


@pytest.mark.parametrize(
    ("role", "sees_config"), [("student", False), ("assistant", True), ("admin", True)]
)
def test_config_only_for_staff(world: World, role: str, sees_config: bool) -> None:
    listed = world.client(role).get(url("course-tasks", "intro")).json()["results"][0]
    detail = world.client(role).get(url("task-detail", world.task.pk)).json()
    for body in (listed, detail):
        expected = TASK_KEYS | ({"config"} if sees_config else set())
        assert set(body) == expected


@matrix(
    anonymous=401,
    outsider=404,
    student=200,
    assistant=200,
    other_instructor=404,
    instructor=200,
    admin=200,
)
def test_retrieve_published_matrix(world: World, role: str, code: int) -> None:
    assert world.client(role).get(url("task-detail", world.task.pk)).status_code == code


@matrix(
    anonymous=401,
    outsider=404,
    student=404,
    assistant=200,
    other_instructor=404,
    instructor=200,
    admin=200,
)
def test_retrieve_unpublished_matrix(world: World, role: str, code: int) -> None:
    assert world.client(role).get(url("task-detail", world.hidden_task.pk)).status_code == code


def test_published_task_of_a_draft_is_hidden_from_its_students(world: World) -> None:
    task = TaskFactory(course=world.draft, is_published=True)
    assert world.client("student").get(url("task-detail", task.pk)).status_code == 404
    assert world.client("assistant").get(url("task-detail", task.pk)).status_code == 200


@matrix(
    anonymous=401,
    outsider=403,
    student=403,
    assistant=201,
    other_instructor=403,
    instructor=201,
    admin=201,
)
def test_create_matrix(world: World, role: str, code: int) -> None:
    response = world.client(role).post(url("course-tasks", "intro"), new_task())
    assert response.status_code == code
    assert Task.objects.filter(title="New").exists() is (code == 201)
    if code == 201:
        body = response.json()
        assert body["course"] == "intro"
        assert body["position"] == 3  # after the last task
        assert body["config"] == get_evaluator("numeric").validate_config(new_task()["config"])
        assert body["is_published"] is False


@matrix(
    anonymous=401,
    outsider=404,
    student=403,
    assistant=200,
    other_instructor=404,
    instructor=200,
    admin=200,
)
def test_patch_matrix(world: World, role: str, code: int) -> None:
    response = world.client(role).patch(url("task-detail", world.task.pk), {"title": "Edited"})
    assert response.status_code == code
    world.task.refresh_from_db()
    assert (world.task.title == "Edited") is (code == 200)


@matrix(
    anonymous=401,
    outsider=404,
    student=403,
    assistant=204,
    other_instructor=404,
    instructor=204,
    admin=204,
)
def test_delete_matrix(world: World, role: str, code: int) -> None:
    response = world.client(role).delete(url("task-detail", world.task.pk))
    assert response.status_code == code
    assert Task.objects.filter(pk=world.task.pk).exists() is (code != 204)


def test_put_is_not_allowed(world: World) -> None:
    response = world.client("instructor").put(url("task-detail", world.task.pk), new_task())
    assert response.status_code == 405


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (new_task(kind="telepathy"), "kind"),
        (new_task(config={"value": "pi"}), "config"),
        (new_task(config=[1, 2]), "config"),
        (new_task(max_score=-1), "max_score"),
        (new_task(weight=-0.5), "weight"),
        (new_task(max_attempts=0), "max_attempts"),
        (new_task(opens_at="2030-01-02T00:00:00Z", due_at="2030-01-01T00:00:00Z"), "due_at"),
        (new_task(due_at="2030-01-02T00:00:00Z", closes_at="2030-01-01T00:00:00Z"), "closes_at"),
        (new_task(opens_at="2030-01-02T00:00:00Z", closes_at="2030-01-01T00:00:00Z"), "closes_at"),
        (new_task(late_policy={"deduction_percent": 101}), "late_policy"),
        (new_task(late_policy={"deduction_percent": 5, "per": "week"}), "late_policy"),
        (new_task(late_policy={"per": "day"}), "late_policy"),
        (new_task(late_policy={"deduction_percent": 5, "bonus": 1}), "late_policy"),
        (new_task(late_policy="lenient"), "late_policy"),
        (new_task(prerequisites=[999999]), "prerequisites"),
        (new_task(prerequisites=["x"]), "prerequisites"),
        (new_task(title=""), "title"),
        (new_task(secret_answer="42"), "secret_answer"),
        ({"title": "No kind"}, "kind"),
    ],
)
def test_create_bad_input_is_400(world: World, payload: dict[str, Any], field: str) -> None:
    before = Task.objects.count()
    response = world.client("instructor").post(url("course-tasks", "intro"), payload)
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert Task.objects.count() == before


def test_cross_course_prerequisite_is_400(world: World) -> None:
    foreign = TaskFactory(course=world.other_course)
    response = world.client("instructor").post(
        url("course-tasks", "intro"), new_task(prerequisites=[foreign.pk])
    )
    assert response.status_code == 400
    assert "same course" in response.json()["prerequisites"][0]
    # the message is the same as for an id that does not exist: nothing leaks
    missing = world.client("instructor").post(
        url("course-tasks", "intro"), new_task(prerequisites=[999999])
    )
    assert (
        missing.json()["prerequisites"][0].split(";")[0]
        == response.json()["prerequisites"][0].split(";")[0]
    )


def test_prerequisite_cycles_and_self_references_are_400(world: World) -> None:
    client = world.client("instructor")
    a, b = world.task, world.hidden_task
    c = Task.objects.get(
        pk=client.post(url("course-tasks", "intro"), new_task(prerequisites=[b.pk])).json()["id"]
    )
    assert client.patch(url("task-detail", b.pk), {"prerequisites": [a.pk]}).status_code == 200
    cycle = client.patch(url("task-detail", a.pk), {"prerequisites": [c.pk]})
    assert cycle.status_code == 400
    assert "cycle" in cycle.json()["prerequisites"][0]
    assert list(a.prerequisites.all()) == []
    itself = client.patch(url("task-detail", a.pk), {"prerequisites": [a.pk]})
    assert itself.status_code == 400
    # prerequisites are one-way: b needs a, a does not need b
    assert list(a.prerequisites.all()) == []
    assert [t.pk for t in b.prerequisites.all()] == [a.pk]


def test_patch_validates_against_the_stored_values(world: World) -> None:
    client = world.client("instructor")
    task_url = url("task-detail", world.task.pk)
    assert client.patch(task_url, {"due_at": "2030-01-10T00:00:00Z"}).status_code == 200
    late_close = client.patch(task_url, {"closes_at": "2030-01-01T00:00:00Z"})
    assert late_close.status_code == 400
    assert "closes_at" in late_close.json()
    # changing the kind re-validates the stored config against the new evaluator
    kind_only = client.patch(task_url, {"kind": "choice"})
    assert kind_only.status_code == 400
    assert "config" in kind_only.json()
    both = client.patch(
        task_url, {"kind": "choice", "config": {"choices": ["a", "b", "c"], "correct": [2]}}
    )
    assert both.status_code == 200
    assert both.json()["public_config"]["choices"] == ["a", "b", "c"]
    assert "correct" not in both.json()["public_config"]
    world.task.refresh_from_db()
    assert world.task.kind == "choice"


def test_patch_cannot_move_a_task_to_another_course(world: World) -> None:
    response = world.client("instructor").patch(
        url("task-detail", world.task.pk), {"course": "other", "id": 1}
    )
    assert response.status_code == 200
    world.task.refresh_from_db()
    assert world.task.course_id == world.course.pk


def test_student_sees_only_published_prerequisites(world: World) -> None:
    world.task.prerequisites.add(world.hidden_task)
    student = world.client("student").get(url("task-detail", world.task.pk)).json()
    staff = world.client("assistant").get(url("task-detail", world.task.pk)).json()
    assert student["prerequisites"] == []
    assert staff["prerequisites"] == [world.hidden_task.pk]


def test_unknown_kind_in_storage_does_not_break_the_list(world: World) -> None:
    Task.objects.filter(pk=world.task.pk).update(kind="retired", config={"x": 1})
    response = world.client("student").get(url("course-tasks", "intro"))
    assert response.status_code == 200
    assert response.json()["results"][0]["public_config"] == {}


def test_huge_task_description_is_400(world: World, learnplat_settings: LearnplatSettings) -> None:
    learnplat_settings(MAX_DESCRIPTION_LENGTH=10)
    response = world.client("instructor").post(
        url("course-tasks", "intro"), new_task(description="x" * 11)
    )
    assert response.status_code == 400
    assert "description" in response.json()


def test_archived_course_tasks_stay_readable_by_its_students(world: World) -> None:
    Course.objects.filter(pk=world.course.pk).update(status="archived")
    assert world.client("student").get(url("course-tasks", "intro")).status_code == 200
    assert world.client("student").get(url("task-detail", world.task.pk)).status_code == 200


@pytest.mark.parametrize("role", ["student", "instructor"])
def test_list_query_count_is_constant(
    world: World, role: str, django_assert_num_queries: Any
) -> None:
    client = world.client(role)

    def listing() -> None:
        response = client.get(url("course-tasks", "intro"), {"page_size": 50})
        assert response.status_code == 200

    def more_tasks() -> None:
        for task in TaskFactory.create_batch(19, course=world.course):
            task.prerequisites.add(world.task, world.hidden_task)

    assert_same_query_count(django_assert_num_queries, listing, listing, between=more_tasks)
    assert Task.objects.filter(course=world.course).count() == 21


def test_task_list_sizes_one_and_twenty(world: World, django_assert_num_queries: Any) -> None:
    Task.objects.filter(pk=world.hidden_task.pk).delete()
    client = world.client("instructor")

    def listing(n: int) -> None:
        assert len(client.get(url("course-tasks", "intro")).json()["results"]) == n

    assert_same_query_count(
        django_assert_num_queries,
        lambda: listing(1),
        lambda: listing(20),
        between=lambda: TaskFactory.create_batch(19, course=world.course),
    )


def test_patch_answers_the_new_prerequisites(world: World) -> None:
    # The ids read when the task was looked up must not outlive the update.
    first = TaskFactory(course=world.course, position=5)
    second = TaskFactory(course=world.course, position=6)
    target = url("task-detail", world.task.pk)
    client = world.client("instructor")

    assert client.patch(target, {"prerequisites": [first.pk]}).json()["prerequisites"] == [first.pk]
    answer = client.patch(target, {"prerequisites": [second.pk, first.pk]}).json()
    assert answer["prerequisites"] == [first.pk, second.pk]
    assert client.get(target).json()["prerequisites"] == [first.pk, second.pk]


def test_delete_takes_the_submissions_and_refreshes_progress_totals(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    second = TaskFactory(course=world.course, position=3, is_published=True, max_score=4)
    with django_capture_on_commit_callbacks(execute=True):
        submit(user=world.student, task=world.task, answer="4")
        submit(user=world.student, task=second, answer="4")
    progress = CourseProgress.objects.get(user=world.student, course=world.course)
    before = progress.max_score
    assert progress.tasks_total == 2
    response = world.client("instructor").delete(url("task-detail", second.pk))
    assert response.status_code == 204
    assert not Submission.objects.filter(task_id=second.pk).exists()
    progress.refresh_from_db()
    assert progress.tasks_total == 1
    assert progress.max_score < before

"""Rubrics through the API (``courses/{slug}/rubrics/``): every role, the nested shape,
every bad input, versions once a rubric is in use, delete, copy, a task's ``rubric``, and a
list whose query count does not grow."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.courses.models import Rubric, RubricCriterion, RubricLevel, Task
from learnplat.flows import rubrics as rubrics_flow
from learnplat.submissions.models import RubricAssessment, Submission
from tests.courses.conftest import World, assert_same_query_count, matrix, url
from tests.factories import CourseFactory, TaskFactory, enroll

pytestmark = pytest.mark.django_db

STYLE = {
    "title": "Style",
    "criteria": [
        {
            "title": "Naming",
            "description": "Clear names",
            "levels": [
                {"title": "Poor", "points": 0},
                {"title": "Good", "points": 2, "description": "Mostly clear"},
            ],
        },
        {
            "title": "Layout",
            "levels": [{"title": "OK", "points": 1}, {"title": "Neat", "points": 3}],
        },
    ],
}


def make_rubric(world: World, data: dict[str, Any] | None = None, course: Any = None) -> Rubric:
    body = data or STYLE
    return rubrics_flow.create_rubric(
        course=course or world.course, title=body["title"], criteria=body["criteria"]
    )


def list_url(slug: str = "intro") -> str:
    return url("course-rubrics", slug)


def detail_url(pk: int, slug: str = "intro") -> str:
    return url("course-rubric-detail", slug, pk)


def copy_url(pk: int, slug: str = "intro") -> str:
    return url("course-rubric-copy", slug, pk)


def use(rubric: Rubric, world: World) -> RubricAssessment:
    """Make ``rubric`` in use: an assessment of a submission with its first criterion."""
    criterion = rubric.criteria.order_by("position").first()
    assert criterion is not None
    level = criterion.levels.order_by("position").first()
    assert level is not None
    task = TaskFactory(course=rubric.course, kind="manual", config={}, max_score=20)
    submission = Submission.objects.create(
        task=task, course=rubric.course, user=world.student, attempt=1, answer="x", max_score=20
    )
    return RubricAssessment.objects.create(
        submission=submission, criterion=criterion, level=level, points=level.points
    )


# -- roles -----------------------------------------------------------------------------------------

STAFF_ONLY = {
    "anonymous": 401,
    "outsider": 404,
    "student": 404,
    "assistant": 200,
    "other_instructor": 404,
    "instructor": 200,
    "admin": 200,
}


@matrix(**STAFF_ONLY)
def test_who_lists_rubrics(world: World, role: str, code: int) -> None:
    make_rubric(world)
    response = world.client(role).get(list_url())
    assert response.status_code == code
    if code == 200:
        [rubric] = response.json()
        assert rubric["title"] == "Style"
        assert rubric["max_points"] == 5
        assert rubric["version"] == 1
        assert rubric["in_use"] is False
        assert [c["title"] for c in rubric["criteria"]] == ["Naming", "Layout"]
        assert set(rubric["criteria"][0]["levels"][1]) == {"id", "title", "points", "description"}
    else:
        assert set(response.json()) == {"detail", "code"}


@matrix(**STAFF_ONLY)
def test_who_reads_a_rubric(world: World, role: str, code: int) -> None:
    rubric = make_rubric(world)
    assert world.client(role).get(detail_url(rubric.pk)).status_code == code


@matrix(**{**STAFF_ONLY, "assistant": 201, "instructor": 201, "admin": 201})
def test_who_creates_a_rubric(world: World, role: str, code: int) -> None:
    response = world.client(role).post(list_url(), STYLE, format="json")
    assert response.status_code == code, response.json()
    assert Rubric.objects.count() == (1 if code == 201 else 0)
    if code == 201:
        body = response.json()
        assert [lv["points"] for lv in body["criteria"][1]["levels"]] == [1, 3]
        rubric = Rubric.objects.get()
        assert list(rubric.criteria.values_list("position", flat=True)) == [1, 2]


@matrix(**STAFF_ONLY)
def test_who_changes_a_rubric(world: World, role: str, code: int) -> None:
    rubric = make_rubric(world)
    response = world.client(role).patch(detail_url(rubric.pk), {"title": "Form"}, format="json")
    assert response.status_code == code
    rubric.refresh_from_db()
    assert rubric.title == ("Form" if code == 200 else "Style")


@matrix(**{**STAFF_ONLY, "assistant": 204, "instructor": 204, "admin": 204})
def test_who_deletes_a_rubric(world: World, role: str, code: int) -> None:
    rubric = make_rubric(world)
    assert world.client(role).delete(detail_url(rubric.pk)).status_code == code
    assert Rubric.objects.filter(pk=rubric.pk).exists() == (code != 204)


def test_a_draft_course_is_404_to_outsiders_and_a_rubric_of_another_course_too(
    world: World,
) -> None:
    rubric = make_rubric(world)
    assert world.client("outsider").get(list_url("secret")).status_code == 404
    other = make_rubric(world, course=world.other_course)
    assert world.client("instructor").get(detail_url(other.pk)).status_code == 404
    assert world.client("other_instructor").get(detail_url(rubric.pk, "other")).status_code == 404


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"title": "R", "criteria": []}, {"criteria": ["A rubric needs at least one criterion."]}),
        ({"title": "R"}, {"criteria": ["This field is required."]}),
        (
            {"title": "R", "criteria": [{"title": "C", "levels": []}]},
            {"criteria": {"0": {"levels": ["A criterion needs at least one level."]}}},
        ),
        (
            {"title": "", "criteria": STYLE["criteria"]},
            {"title": ["This field may not be blank."]},
        ),
    ],
)
def test_bad_rubrics_are_400_on_the_field(
    world: World, body: dict[str, Any], errors: dict[str, Any]
) -> None:
    response = world.client("instructor").post(list_url(), body, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not Rubric.objects.exists()
    assert not RubricCriterion.objects.exists()


def test_duplicate_points_in_a_criterion_are_400_on_that_level(world: World) -> None:
    body = {
        "title": "R",
        "criteria": [
            {"title": "A", "levels": [{"title": "x", "points": 1}]},
            {"title": "B", "levels": [{"title": "x", "points": 1}, {"title": "y", "points": 1}]},
        ],
    }
    response = world.client("instructor").post(list_url(), body, format="json")
    assert response.status_code == 400
    errors = response.json()["criteria"]
    assert list(errors) == ["1"]
    assert list(errors["1"]["levels"]) == ["1"]
    assert "worth 1 points" in errors["1"]["levels"]["1"]["points"][0]
    assert not Rubric.objects.exists()


def test_negative_or_non_numeric_points_are_400(world: World) -> None:
    client = world.client("instructor")
    for points in (-1, "many", None):
        body = {
            "title": "R",
            "criteria": [{"title": "A", "levels": [{"title": "x", "points": points}]}],
        }
        response = client.post(list_url(), body, format="json")
        assert response.status_code == 400
        assert "points" in response.json()["criteria"]["0"]["levels"]["0"]
    assert not Rubric.objects.exists()


def test_unknown_keys_are_400(world: World) -> None:
    body = {
        "title": "R",
        "criteria": [{"title": "A", "weight": 2, "levels": [{"title": "x", "points": 1}]}],
    }
    response = world.client("instructor").post(list_url(), body, format="json")
    assert response.status_code == 400
    assert response.json()["criteria"]["0"] == {"weight": ["Unknown field."]}


def test_a_bad_edit_changes_nothing(world: World) -> None:
    rubric = make_rubric(world)
    before = list(RubricLevel.objects.values_list("pk", "points"))
    response = world.client("instructor").put(
        detail_url(rubric.pk),
        {"title": "New", "criteria": [{"title": "A", "levels": []}]},
        format="json",
    )
    assert response.status_code == 400
    rubric.refresh_from_db()
    assert rubric.title == "Style"
    assert list(RubricLevel.objects.values_list("pk", "points")) == before


# -- editing and versions --------------------------------------------------------------------------


def test_a_rubric_not_in_use_is_edited_in_place(world: World) -> None:
    rubric = make_rubric(world)
    body = {
        "title": "Style 2",
        "criteria": [{"title": "Only", "levels": [{"title": "y", "points": 4}]}],
    }
    response = world.client("assistant").put(detail_url(rubric.pk), body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["id"], data["version"], data["max_points"]) == (rubric.pk, 1, 4)
    assert Rubric.objects.count() == 1
    assert list(RubricCriterion.objects.values_list("title", flat=True)) == ["Only"]


def test_a_rubric_in_use_gets_a_new_version_and_its_tasks_move(world: World) -> None:
    rubric = make_rubric(world)
    assessment = use(rubric, world)
    task = Task.objects.get(pk=assessment.submission.task_id)
    Task.objects.filter(pk=task.pk).update(rubric=rubric)
    old_criteria = set(rubric.criteria.values_list("pk", flat=True))
    body = {
        "criteria": [
            {
                "title": "Naming",
                "levels": [{"title": "Poor", "points": 0}, {"title": "Great", "points": 5}],
            }
        ]
    }
    response = world.client("instructor").patch(detail_url(rubric.pk), body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["id"] != rubric.pk
    assert (data["version"], data["title"], data["in_use"], data["max_points"]) == (
        2,
        "Style",
        False,
        5,
    )
    rubric.refresh_from_db()
    new = Rubric.objects.get(pk=data["id"])
    assert rubric.is_current is False
    assert new.supersedes_id == rubric.pk
    assert new.is_current
    task.refresh_from_db()
    assert task.rubric_id == new.pk
    # The stored grade still names the criteria it was graded with.
    assessment.refresh_from_db()
    assert assessment.criterion_id in old_criteria
    assert assessment.criterion.rubric_id == rubric.pk
    # The list shows the current version only; the old one can still be read.
    client = world.client("instructor")
    assert [r["id"] for r in client.get(list_url()).json()] == [new.pk]
    old = client.get(detail_url(rubric.pk)).json()
    assert (old["is_current"], old["in_use"], len(old["criteria"])) == (False, True, 2)
    # The old version does not change any more.
    again = client.patch(detail_url(rubric.pk), {"title": "X"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "rubric_superseded"


def test_a_rename_of_a_rubric_in_use_is_a_new_version_too(world: World) -> None:
    rubric = make_rubric(world)
    use(rubric, world)
    data = (
        world.client("instructor")
        .patch(detail_url(rubric.pk), {"title": "Form"}, format="json")
        .json()
    )
    assert data["version"] == 2
    assert data["title"] == "Form"
    assert [c["title"] for c in data["criteria"]] == ["Naming", "Layout"]


def test_a_rubric_may_not_outgrow_a_task_using_it(world: World) -> None:
    rubric = make_rubric(world)
    TaskFactory(course=world.course, kind="manual", config={}, max_score=5, rubric=rubric)
    body = {"criteria": [{"title": "A", "levels": [{"title": "x", "points": 6}]}]}
    response = world.client("instructor").patch(detail_url(rubric.pk), body, format="json")
    assert response.status_code == 400
    assert "max_score" in response.json()["criteria"][0]


# -- delete ----------------------------------------------------------------------------------------


def test_a_rubric_a_task_uses_or_graded_with_is_not_deleted(world: World) -> None:
    client = world.client("instructor")
    attached = make_rubric(world)
    TaskFactory(course=world.course, kind="manual", config={}, max_score=10, rubric=attached)
    response = client.delete(detail_url(attached.pk))
    assert response.status_code == 409
    assert response.json() == {"detail": response.json()["detail"], "code": "rubric_in_use"}
    graded = make_rubric(world)
    use(graded, world)
    assert client.delete(detail_url(graded.pk)).json()["code"] == "rubric_in_use"
    assert Rubric.objects.filter(pk__in=[attached.pk, graded.pk]).count() == 2


# -- copy ------------------------------------------------------------------------------------------


def test_staff_of_both_courses_copy_a_rubric(world: World) -> None:
    rubric = make_rubric(world)
    response = world.client("instructor").post(
        copy_url(rubric.pk), {"course": "secret"}, format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    copy = Rubric.objects.get(pk=data["id"])
    assert copy.course == world.draft
    assert copy.version == 1
    assert [c["title"] for c in data["criteria"]] == ["Naming", "Layout"]
    assert data["criteria"][0]["id"] != rubric.criteria.first().pk  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("role", "target", "code"),
    [
        ("instructor", "other", 403),  # a published course they see but do not teach
        ("instructor", "nope", 404),
        ("assistant", "other", 403),
        ("admin", "other", 201),
        ("student", "secret", 404),  # not staff of the source course
    ],
)
def test_copy_needs_staff_of_the_target_course(
    world: World, role: str, target: str, code: int
) -> None:
    rubric = make_rubric(world)
    response = world.client(role).post(copy_url(rubric.pk), {"course": target}, format="json")
    assert response.status_code == code
    assert Rubric.objects.count() == (2 if code == 201 else 1)


def test_copy_to_a_draft_one_cannot_see_is_404(world: World) -> None:
    hidden = CourseFactory(slug="hidden", status="draft")
    rubric = make_rubric(world, course=world.other_course)
    response = world.client("other_instructor").post(
        copy_url(rubric.pk, "other"), {"course": hidden.slug}, format="json"
    )
    assert response.status_code == 404


# -- a task's rubric ------------------------------------------------------------------------------


def test_staff_attach_a_rubric_to_a_task_and_detach_it(world: World) -> None:
    rubric = make_rubric(world)
    client = world.client("instructor")
    task_url = url("task-detail", world.task.pk)
    response = client.patch(task_url, {"rubric": rubric.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["rubric"] == rubric.pk
    assert client.patch(task_url, {"rubric": None}, format="json").json()["rubric"] is None


def test_a_task_is_created_with_a_rubric(world: World) -> None:
    rubric = make_rubric(world)
    body = {"title": "Essay", "kind": "manual", "max_score": 5, "rubric": rubric.pk}
    response = world.client("assistant").post(url("course-tasks", "intro"), body, format="json")
    assert response.status_code == 201, response.json()
    assert Task.objects.get(pk=response.json()["id"]).rubric == rubric


def test_a_task_rubric_must_be_a_current_rubric_of_its_course(world: World) -> None:
    client = world.client("instructor")
    task_url = url("task-detail", world.task.pk)
    foreign = make_rubric(world, course=world.other_course)
    old = make_rubric(world)
    use(old, world)
    rubrics_flow.update_rubric(rubric=old, title="New")
    for value in (foreign.pk, old.pk, 999999, "x", True):
        response = client.patch(task_url, {"rubric": value}, format="json")
        assert response.status_code == 400, value
        assert set(response.json()) == {"rubric"}
    world.task.refresh_from_db()
    assert world.task.rubric_id is None


def test_max_score_must_cover_the_rubric(world: World) -> None:
    rubric = make_rubric(world)  # worth 5
    client = world.client("instructor")
    task_url = url("task-detail", world.task.pk)
    response = client.patch(task_url, {"rubric": rubric.pk, "max_score": 4}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"max_score"}
    assert client.patch(task_url, {"rubric": rubric.pk}, format="json").status_code == 200
    response = client.patch(task_url, {"max_score": 3}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"max_score"}


# -- query counts ----------------------------------------------------------------------------------


def test_the_rubric_list_costs_the_same_for_1_and_20_rubrics(
    world: World, django_assert_num_queries: Any
) -> None:
    client = world.client("assistant")
    make_rubric(world)

    def listing(n: int) -> None:
        assert len(client.get(list_url()).json()) == n

    assert_same_query_count(
        django_assert_num_queries,
        lambda: listing(1),
        lambda: listing(20),
        between=lambda: [make_rubric(world) for _ in range(19)],
    )


def test_an_assistant_added_later_sees_the_rubrics(world: World) -> None:
    make_rubric(world)
    enroll(world.outsider, world.course, "assistant")
    assert world.client("outsider").get(list_url()).status_code == 200

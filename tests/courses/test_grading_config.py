"""A course's grading configuration through the API: ``grading_scheme`` and
``letter_grades`` on the course, assignment groups (``courses/{slug}/groups/``), and a
task's ``group``. Every write goes through the flows that recompute the course's progress
(``flows.grading_config.grading_changed``)."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.courses.models import AssignmentGroup, Course, Task
from learnplat.flows import progress as progress_flow
from tests.courses.conftest import World, assert_same_query_count, matrix, url
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

GROUP_KEYS = {"id", "name", "weight", "drop_lowest", "position"}


@pytest.fixture
def recomputes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The slugs of the courses whose progress was refreshed, in order (the real refresh
    still runs)."""
    seen: list[str] = []
    real = progress_flow.refresh_course_totals

    def spy(*, course: Course) -> None:
        seen.append(course.slug)
        real(course=course)

    monkeypatch.setattr(progress_flow, "refresh_course_totals", spy)
    return seen


def group(world: World, name: str = "Homework", **fields: Any) -> AssignmentGroup:
    return AssignmentGroup.objects.create(course=world.course, name=name, **fields)


def groups_url(slug: str = "intro") -> str:
    return url("course-groups", slug)


def group_url(pk: int, slug: str = "intro") -> str:
    return url("course-group-detail", slug, pk)


# -- the course's fields -----------------------------------------------------------------------


def test_everyone_who_sees_the_course_reads_its_grading_fields(world: World) -> None:
    Course.objects.filter(pk=world.course.pk).update(
        grading_scheme="weighted", letter_grades=[{"letter": "P", "min_percent": 50.0}]
    )
    for role in ("anonymous", "outsider", "student", "instructor"):
        for name in ("course-detail", "course-list"):
            response = world.client(role).get(
                url(name, "intro") if name == "course-detail" else url(name)
            )
            body = response.json()
            listed = body["results"] if name == "course-list" else [body]
            [course] = [c for c in listed if c["slug"] == "intro"]
            assert course["grading_scheme"] == "weighted"
            assert course["letter_grades"] == [{"letter": "P", "min_percent": 50.0}]


def test_a_new_course_counts_points_without_letters(world: World) -> None:
    body = world.client("instructor").post(url("course-list"), {"title": "New"}).json()
    assert (body["grading_scheme"], body["letter_grades"]) == ("points", [])


def test_a_course_is_created_with_its_scheme_and_letters(world: World) -> None:
    letters = [{"letter": "A", "min_percent": 90}, {"letter": "F", "min_percent": 0}]
    response = world.client("instructor").post(
        url("course-list"),
        {"title": "New", "grading_scheme": "weighted", "letter_grades": letters},
        format="json",
    )
    assert response.status_code == 201, response.json()
    course = Course.objects.get(slug=response.json()["slug"])
    assert course.grading_scheme == "weighted"
    assert course.letter_grades == [
        {"letter": "A", "min_percent": 90.0},
        {"letter": "F", "min_percent": 0.0},
    ]


def test_the_instructor_changes_scheme_and_letters_and_progress_follows(
    world: World, recomputes: list[str]
) -> None:
    client = world.client("instructor")
    letters = [{"letter": " A ", "min_percent": 90}, {"letter": "B", "min_percent": 80.5}]
    response = client.patch(
        url("course-detail", "intro"),
        {"grading_scheme": "weighted", "letter_grades": letters},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["letter_grades"] == [
        {"letter": "A", "min_percent": 90.0},
        {"letter": "B", "min_percent": 80.5},
    ]
    assert recomputes == ["intro"]
    # The same values again change nothing, so nothing is recomputed.
    client.patch(url("course-detail", "intro"), {"grading_scheme": "weighted"}, format="json")
    assert recomputes == ["intro"]
    client.patch(url("course-detail", "intro"), {"letter_grades": []}, format="json")
    assert recomputes == ["intro", "intro"]
    assert Course.objects.get(pk=world.course.pk).letter_grades == []


@pytest.mark.parametrize(
    ("letters", "problem"),
    [
        ("A", "Must be a list"),
        ([{"letter": "", "min_percent": 50}], "non-blank"),
        ([{"letter": "   ", "min_percent": 50}], "non-blank"),
        ([{"letter": 7, "min_percent": 50}], "non-blank"),
        ([{"letter": "X" * 21, "min_percent": 50}], "at most 20"),
        ([{"letter": "A", "min_percent": 101}], "from 0 to 100"),
        ([{"letter": "A", "min_percent": -1}], "from 0 to 100"),
        ([{"letter": "A", "min_percent": "90"}], "from 0 to 100"),
        ([{"letter": "A", "min_percent": True}], "from 0 to 100"),
        ([{"letter": "A"}], "must be an object with letter and min_percent"),
        (
            [{"letter": "A", "min_percent": 90}, {"letter": "A", "min_percent": 80}],
            "Each letter may appear once",
        ),
        (
            [{"letter": "A", "min_percent": 80}, {"letter": "B", "min_percent": 80}],
            "strictly decreasing",
        ),
        (
            [{"letter": "B", "min_percent": 80}, {"letter": "A", "min_percent": 90}],
            "strictly decreasing",
        ),
        ([{"letter": "A", "min_percent": 90, "colour": "red"}], "must be an object"),
        (["A"], "must be an object"),
    ],
)
def test_bad_letter_scales_are_400_on_letter_grades(
    world: World, letters: Any, problem: str
) -> None:
    response = world.client("instructor").patch(
        url("course-detail", "intro"), {"letter_grades": letters}, format="json"
    )
    assert response.status_code == 400
    [message] = response.json()["letter_grades"]
    assert problem in message
    assert Course.objects.get(pk=world.course.pk).letter_grades == []


def test_an_unknown_scheme_is_400(world: World) -> None:
    response = world.client("instructor").patch(
        url("course-detail", "intro"), {"grading_scheme": "curved"}, format="json"
    )
    assert response.status_code == 400
    assert "grading_scheme" in response.json()


def test_switching_to_weighted_checks_the_group_weights(
    world: World, recomputes: list[str]
) -> None:
    group(world, "Homework", weight=60)
    group(world, "Exams", weight=50)
    client = world.client("instructor")

    response = client.patch(
        url("course-detail", "intro"), {"grading_scheme": "weighted"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"grading_scheme": ["Group weights add up to 110; at most 100."]}
    assert Course.objects.get(pk=world.course.pk).grading_scheme == "points"
    assert recomputes == []


def test_assistants_do_not_change_the_course_scheme(world: World) -> None:
    response = world.client("assistant").patch(
        url("course-detail", "intro"), {"grading_scheme": "weighted"}, format="json"
    )
    assert response.status_code == 403


# -- assignment groups: who may ----------------------------------------------------------------


@matrix(
    anonymous=401,
    outsider=404,
    student=200,
    assistant=200,
    other_instructor=404,
    instructor=200,
    admin=200,
)
def test_who_lists_groups(world: World, role: str, code: int) -> None:
    group(world, "Homework", weight=40, position=2)
    group(world, "Exams", weight=60, position=1)
    response = world.client(role).get(groups_url())
    assert response.status_code == code
    if code == 200:
        body = response.json()
        assert [g["name"] for g in body] == ["Exams", "Homework"]
        assert set(body[0]) == GROUP_KEYS


@matrix(
    anonymous=401,
    outsider=404,
    student=403,
    assistant=201,
    other_instructor=404,
    instructor=201,
    admin=201,
)
def test_who_creates_groups(world: World, role: str, code: int, recomputes: list[str]) -> None:
    response = world.client(role).post(
        groups_url(), {"name": "Quizzes", "weight": 25, "drop_lowest": 1}, format="json"
    )
    assert response.status_code == code
    created = AssignmentGroup.objects.filter(course=world.course, name="Quizzes")
    if code == 201:
        body = response.json()
        assert body == {
            "id": created.get().pk,
            "name": "Quizzes",
            "weight": 25.0,
            "drop_lowest": 1,
            "position": 1,
        }
        assert recomputes == ["intro"]
    else:
        assert not created.exists()
        assert recomputes == []


@matrix(
    anonymous=401,
    outsider=404,
    student=200,
    assistant=200,
    other_instructor=404,
    instructor=200,
    admin=200,
)
def test_who_reads_a_group(world: World, role: str, code: int) -> None:
    homework = group(world, weight=40)
    response = world.client(role).get(group_url(homework.pk))
    assert response.status_code == code
    if code == 200:
        assert response.json()["name"] == "Homework"


@matrix(
    anonymous=401,
    outsider=404,
    student=403,
    assistant=200,
    other_instructor=404,
    instructor=200,
    admin=200,
)
def test_who_changes_a_group(world: World, role: str, code: int, recomputes: list[str]) -> None:
    homework = group(world, weight=40)
    response = world.client(role).patch(group_url(homework.pk), {"weight": 45}, format="json")
    assert response.status_code == code
    homework.refresh_from_db()
    assert homework.weight == (45 if code == 200 else 40)
    assert recomputes == (["intro"] if code == 200 else [])


@matrix(
    anonymous=401,
    outsider=404,
    student=403,
    assistant=204,
    other_instructor=404,
    instructor=204,
    admin=204,
)
def test_who_deletes_a_group(world: World, role: str, code: int) -> None:
    homework = group(world, weight=40)
    response = world.client(role).delete(group_url(homework.pk))
    assert response.status_code == code
    assert AssignmentGroup.objects.filter(pk=homework.pk).exists() == (code != 204)


@pytest.mark.parametrize("role", ["anonymous", "outsider", "student", "other_instructor"])
def test_the_groups_of_a_draft_are_404_to_all_but_its_staff(world: World, role: str) -> None:
    draft_group = AssignmentGroup.objects.create(course=world.draft, name="Secret")
    assert world.client(role).get(groups_url("secret")).status_code == 404
    assert world.client(role).get(group_url(draft_group.pk, "secret")).status_code == 404


def test_a_group_of_another_course_is_not_found_under_this_one(world: World) -> None:
    theirs = AssignmentGroup.objects.create(course=world.other_course, name="Theirs")
    client = world.client("instructor")
    assert client.get(group_url(theirs.pk)).status_code == 404
    assert client.patch(group_url(theirs.pk), {"weight": 1}, format="json").status_code == 404
    assert client.delete(group_url(theirs.pk)).status_code == 404
    assert AssignmentGroup.objects.filter(pk=theirs.pk).exists()


# -- assignment groups: what they accept -------------------------------------------------------


def test_a_group_lands_after_the_last_and_keeps_a_given_position(world: World) -> None:
    client = world.client("instructor")
    first = client.post(groups_url(), {"name": "A"}, format="json").json()
    second = client.post(groups_url(), {"name": "B"}, format="json").json()
    placed = client.post(groups_url(), {"name": "C", "position": 7}, format="json").json()
    assert [first["position"], second["position"], placed["position"]] == [1, 2, 7]
    assert (first["weight"], first["drop_lowest"]) == (0.0, 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Q", "weight": 101}, "weight"),
        ({"name": "Q", "weight": -1}, "weight"),
        ({"name": "Q", "weight": "lots"}, "weight"),
        ({"name": "Q", "drop_lowest": -1}, "drop_lowest"),
        ({"name": "Q", "drop_lowest": 1.5}, "drop_lowest"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"weight": 10}, "name"),
        ({"name": "Q", "course": "other"}, "course"),
    ],
)
def test_bad_groups_are_400_and_write_nothing(
    world: World, body: dict[str, Any], field: str, recomputes: list[str]
) -> None:
    response = world.client("instructor").post(groups_url(), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not AssignmentGroup.objects.exists()
    assert recomputes == []


def test_a_duplicate_name_is_400_on_name(world: World) -> None:
    group(world, "Homework")
    client = world.client("instructor")
    response = client.post(groups_url(), {"name": " Homework "}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["The course already has a group of this name."]}
    exams = group(world, "Exams")
    renamed = client.patch(group_url(exams.pk), {"name": "Homework"}, format="json")
    assert renamed.status_code == 400
    assert "name" in renamed.json()
    # Another course may use the name, and a group may keep its own.
    assert client.patch(group_url(exams.pk), {"name": "Exams"}, format="json").status_code == 200
    theirs = world.client("other_instructor").post(
        groups_url("other"), {"name": "Homework"}, format="json"
    )
    assert theirs.status_code == 201


def test_weights_above_100_are_refused_only_under_weighted(world: World) -> None:
    group(world, "Homework", weight=70)
    client = world.client("instructor")
    # Under points weights count for nothing: any total will do.
    assert (
        client.post(groups_url(), {"name": "Exams", "weight": 50}, format="json").status_code == 201
    )
    AssignmentGroup.objects.filter(name="Exams").delete()
    Course.objects.filter(pk=world.course.pk).update(grading_scheme="weighted")

    response = client.post(groups_url(), {"name": "Exams", "weight": 40}, format="json")
    assert response.status_code == 400
    assert response.json() == {"weight": ["Group weights add up to 110; at most 100."]}

    assert (
        client.post(groups_url(), {"name": "Exams", "weight": 30}, format="json").status_code == 201
    )
    exams = AssignmentGroup.objects.get(name="Exams")
    raised = client.patch(group_url(exams.pk), {"weight": 30.5}, format="json")
    assert raised.status_code == 400
    assert raised.json() == {"weight": ["Group weights add up to 100.5; at most 100."]}
    exams.refresh_from_db()
    assert exams.weight == 30


def test_float_weights_that_make_100_are_fine(world: World) -> None:
    Course.objects.filter(pk=world.course.pk).update(grading_scheme="weighted")
    client = world.client("instructor")
    for name, weight in (("A", 33.3), ("B", 33.3), ("C", 33.4)):
        assert (
            client.post(groups_url(), {"name": name, "weight": weight}, format="json").status_code
            == 201
        )


def test_a_put_replaces_the_group(world: World) -> None:
    homework = group(world, weight=40, drop_lowest=2, position=3)
    response = world.client("instructor").put(
        group_url(homework.pk),
        {"name": "Labs", "weight": 10, "drop_lowest": 0, "position": 1},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "id": homework.pk,
        "name": "Labs",
        "weight": 10.0,
        "drop_lowest": 0,
        "position": 1,
    }


def test_renaming_or_moving_a_group_recomputes_nothing(world: World, recomputes: list[str]) -> None:
    homework = group(world, weight=40)
    client = world.client("instructor")
    client.patch(group_url(homework.pk), {"name": "Labs", "position": 4}, format="json")
    assert recomputes == []
    client.patch(group_url(homework.pk), {"drop_lowest": 1}, format="json")
    assert recomputes == ["intro"]


def test_deleting_a_group_leaves_its_tasks_ungrouped(world: World, recomputes: list[str]) -> None:
    homework = group(world, weight=40)
    Task.objects.filter(pk=world.task.pk).update(group=homework)
    response = world.client("instructor").delete(group_url(homework.pk))
    assert response.status_code == 204
    world.task.refresh_from_db()
    assert world.task.group is None
    assert recomputes == ["intro"]


def test_the_group_list_keeps_its_query_count(world: World, django_assert_num_queries: Any) -> None:
    client = world.client("student")
    group(world, "First", weight=10)

    def listing(n: int) -> None:
        assert len(client.get(groups_url()).json()) == n

    assert_same_query_count(
        django_assert_num_queries,
        lambda: listing(1),
        lambda: listing(30),
        between=lambda: [group(world, f"G{i}", weight=1) for i in range(29)],
    )


# -- a task's group ----------------------------------------------------------------------------


def test_staff_put_a_task_in_a_group_and_take_it_out(world: World, recomputes: list[str]) -> None:
    homework = group(world, weight=40)
    client = world.client("assistant")
    response = client.patch(
        url("task-detail", world.task.pk), {"group": homework.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["group"] == homework.pk
    assert Task.objects.get(pk=world.task.pk).group == homework
    assert recomputes == ["intro"]
    assert (
        world.client("student").get(url("task-detail", world.task.pk)).json()["group"]
        == homework.pk
    )

    out = client.patch(url("task-detail", world.task.pk), {"group": None}, format="json")
    assert out.json()["group"] is None
    assert recomputes == ["intro", "intro"]


def test_a_task_is_created_in_a_group(world: World) -> None:
    homework = group(world, weight=40)
    response = world.client("instructor").post(
        url("course-tasks", "intro"),
        {"title": "T", "kind": "exact", "config": {"answers": ["4"]}, "group": homework.pk},
        format="json",
    )
    assert response.status_code == 201
    assert Task.objects.get(pk=response.json()["id"]).group == homework


@pytest.mark.parametrize("which", ["other-course", "unknown"])
def test_a_group_not_of_the_tasks_course_is_400_on_group(world: World, which: str) -> None:
    theirs = AssignmentGroup.objects.create(course=world.other_course, name="Theirs")
    pk = theirs.pk if which == "other-course" else theirs.pk + 1000
    client = world.client("instructor")
    patched = client.patch(url("task-detail", world.task.pk), {"group": pk}, format="json")
    created = client.post(
        url("course-tasks", "intro"),
        {"title": "T", "kind": "exact", "config": {"answers": ["4"]}, "group": pk},
        format="json",
    )
    for response in (patched, created):
        assert response.status_code == 400
        assert "group" in response.json()
    assert Task.objects.get(pk=world.task.pk).group is None
    assert not Task.objects.filter(title="T").exists()


def test_the_task_list_keeps_its_query_count_with_groups(
    world: World, django_assert_num_queries: Any
) -> None:
    homework = group(world, weight=40)
    client = world.client("instructor")

    def listing() -> None:
        assert client.get(url("course-tasks", "intro")).status_code == 200

    assert_same_query_count(
        django_assert_num_queries,
        listing,
        listing,
        between=lambda: TaskFactory.create_batch(10, course=world.course, group=homework),
    )


def test_nested_tasks_of_a_new_course_take_no_group(world: World) -> None:
    response = world.client("instructor").post(
        url("course-list"),
        {"title": "New", "tasks": [{"title": "T", "kind": "exact", "group": 1}]},
        format="json",
    )
    assert response.status_code == 400
    assert not Course.objects.filter(title="New").exists()

"""POST courses/ (with nested tasks), PATCH/PUT/DELETE courses/{slug}/."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from learnplat.courses.models import Course, Enrollment, Task
from learnplat.evaluation.registry import get_evaluator
from tests.courses.conftest import World, matrix, url
from tests.overrides import LearnplatSettings

pytestmark = pytest.mark.django_db


def exact_task(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": title, "kind": "exact", "config": {"answers": ["4"]}, **extra}


@matrix(
    anonymous=401,
    outsider=403,
    student=403,
    assistant=403,
    other_instructor=201,
    instructor=201,
    admin=201,
)
def test_create_matrix(world: World, role: str, code: int) -> None:
    response = world.client(role).post(url("course-list"), {"title": "New course"})
    assert response.status_code == code
    assert Course.objects.filter(title="New course").exists() is (code == 201)
    if code == 201:
        body = response.json()
        assert body["status"] == "draft"
        assert body["slug"] == "new-course"
        assert body["my_role"] == "instructor"
        assert [i["id"] for i in body["instructors"]] == [world.users[role].pk]
        assert body["tasks"] == []
    else:
        assert set(response.json()) >= {"detail"}


def test_nested_create_makes_course_tasks_and_prerequisites(world: World) -> None:
    payload = {
        "title": "Algebra",
        "description": "# Algebra\\n",
        "capacity": 30,
        "tasks": [
            exact_task("One", max_score=5, is_published=True),
            {
                "title": "Two",
                "kind": "choice",
                "config": {"choices": ["a", "b"], "correct": [1]},
                "prerequisites": [0],
                "late_policy": {"deduction_percent": 10},
            },
            exact_task("Three", prerequisites=[0, 1], position=10),
        ],
    }
    response = world.client("instructor").post(url("course-list"), payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "algebra"
    assert body["capacity"] == 30
    tasks = body["tasks"]
    assert [t["title"] for t in tasks] == ["One", "Two", "Three"]
    assert [t["position"] for t in tasks] == [1, 2, 10]
    ids = [t["id"] for t in tasks]
    assert tasks[1]["prerequisites"] == [ids[0]]
    assert sorted(tasks[2]["prerequisites"]) == sorted(ids[:2])
    assert tasks[1]["late_policy"] == {
        "deduction_percent": 10.0,
        "per": "day",
        "floor_percent": 0.0,
    }
    choice = get_evaluator("choice")
    stored = choice.validate_config({"choices": ["a", "b"], "correct": [1]})
    assert tasks[1]["config"] == stored
    assert tasks[1]["public_config"] == choice.public_config(stored)
    assert "correct" not in tasks[1]["public_config"]
    course = Course.objects.get(slug="algebra")
    assert Enrollment.objects.get(course=course).role == "instructor"


@pytest.mark.parametrize(
    ("bad_task", "field"),
    [
        ({"title": "Bad", "kind": "exact", "config": {"answers": []}}, "config"),
        ({"title": "Bad", "kind": "telepathy"}, "kind"),
        (
            {"title": "Bad", "kind": "exact", "config": {"answers": ["x"]}, "max_score": -1},
            "max_score",
        ),
        (
            {
                "title": "Bad",
                "kind": "exact",
                "config": {"answers": ["x"]},
                "due_at": "2030-01-02T00:00:00Z",
                "closes_at": "2030-01-01T00:00:00Z",
            },
            "closes_at",
        ),
        (
            {
                "title": "Bad",
                "kind": "exact",
                "config": {"answers": ["x"]},
                "late_policy": {"per": "week", "deduction_percent": 5},
            },
            "late_policy",
        ),
        (
            {"title": "Bad", "kind": "exact", "config": {"answers": ["x"]}, "prerequisites": [7]},
            "prerequisites",
        ),
        (
            {"title": "Bad", "kind": "exact", "config": {"answers": ["x"]}, "prerequisites": [2]},
            "prerequisites",
        ),
        (
            {"title": "Bad", "kind": "exact", "config": {"answers": ["x"]}, "colour": "red"},
            "colour",
        ),
    ],
)
def test_nested_create_is_all_or_nothing(
    world: World, bad_task: dict[str, Any], field: str
) -> None:
    before = (Course.objects.count(), Task.objects.count(), Enrollment.objects.count())
    payload = {"title": "Atomic", "tasks": [exact_task("a"), exact_task("b"), bad_task]}
    response = world.client("instructor").post(url("course-list"), payload)
    assert response.status_code == 400, response.json()
    errors = response.json()["tasks"]
    assert set(errors) == {"2"}
    assert field in errors["2"]
    assert (Course.objects.count(), Task.objects.count(), Enrollment.objects.count()) == before


def test_nested_prerequisite_cycle_is_400(world: World) -> None:
    payload = {
        "title": "Cyclic",
        "tasks": [
            exact_task("a", prerequisites=[2]),
            exact_task("b", prerequisites=[0]),
            exact_task("c", prerequisites=[1]),
        ],
    }
    response = world.client("instructor").post(url("course-list"), payload)
    assert response.status_code == 400
    messages = json.dumps(response.json()["tasks"])
    assert "cycle" in messages
    assert not Course.objects.filter(title="Cyclic").exists()


def test_generated_slugs_do_not_collide(world: World) -> None:
    client = world.client("instructor")
    made = [client.post(url("course-list"), {"title": "Intro"}).json()["slug"] for _ in range(3)]
    # "intro" is the world's course already
    assert made == ["intro-2", "intro-3", "intro-4"]
    assert client.post(url("course-list"), {"title": "¡¡¡"}).json()["slug"] == "course"


def test_explicit_duplicate_slug_is_400(world: World) -> None:
    response = world.client("instructor").post(url("course-list"), {"title": "X", "slug": "intro"})
    assert response.status_code == 400
    assert "slug" in response.json()
    assert Course.objects.filter(slug="intro").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "X", "slug": "not a slug"}, "slug"),
        ({"title": "X", "capacity": -1}, "capacity"),
        ({"title": "X", "grading_policy": "worst"}, "grading_policy"),
        ({"title": "X", "tasks": "many"}, "tasks"),
        ({"title": "X", "stauts": "published"}, "stauts"),
    ],
)
def test_create_bad_input_is_400(world: World, payload: dict[str, Any], field: str) -> None:
    before = Course.objects.count()
    response = world.client("instructor").post(url("course-list"), payload)
    assert response.status_code == 400
    assert field in response.json()
    assert Course.objects.count() == before


def test_huge_description_is_400(world: World, learnplat_settings: LearnplatSettings) -> None:
    learnplat_settings(MAX_DESCRIPTION_LENGTH=50)
    client = world.client("instructor")
    response = client.post(url("course-list"), {"title": "Long", "description": "x" * 51})
    assert response.status_code == 400
    assert "50" in response.json()["description"][0]
    ok = client.post(url("course-list"), {"title": "Long", "description": "x" * 50})
    assert ok.status_code == 201
    nested = client.post(
        url("course-list"),
        {"title": "Long2", "tasks": [exact_task("t", description="y" * 51)]},
    )
    assert nested.status_code == 400
    assert "description" in nested.json()["tasks"]["0"]
    assert not Course.objects.filter(title="Long2").exists()


def test_huge_config_is_400(world: World, learnplat_settings: LearnplatSettings) -> None:
    learnplat_settings(MAX_TASK_CONFIG_BYTES=100)
    payload = {"title": "Big", "tasks": [exact_task("t", config={"answers": ["a" * 200]})]}
    response = world.client("instructor").post(url("course-list"), payload)
    assert response.status_code == 400
    assert "config" in response.json()["tasks"]["0"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ('["a", "list"]', "application/json"),
        ('"a string"', "application/json"),
        ('{"title": NaN}', "application/json"),
        ('{"title": "x", "capacity": ' + "9" * 5000 + "}", "application/json"),
        ('{"title": "x", "tasks": ' + "[" * 100_000 + "]" * 100_000 + "}", "application/json"),
    ],
)
def test_malformed_json_is_400(world: World, body: str, content_type: str) -> None:
    response = world.client("instructor").generic(
        "POST", url("course-list"), body, content_type=content_type
    )
    assert response.status_code == 400
    assert Course.objects.count() == 3


def test_status_and_instructors_are_read_only_on_create(world: World) -> None:
    response = world.client("instructor").post(
        url("course-list"),
        {"title": "Sneaky", "status": "published", "instructors": [], "published_at": None},
    )
    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert Course.objects.get(slug="sneaky").status == "draft"


@matrix(
    anonymous=401,
    outsider=403,
    student=403,
    assistant=403,
    other_instructor=403,
    instructor=200,
    admin=200,
)
@pytest.mark.parametrize("method", ["patch", "put"])
def test_update_matrix(world: World, role: str, code: int, method: str) -> None:
    client = world.client(role)
    response = getattr(client, method)(url("course-detail", "intro"), {"title": "Renamed"})
    assert response.status_code == code
    world.course.refresh_from_db()
    assert (world.course.title == "Renamed") is (code == 200)


@matrix(
    anonymous=404,
    outsider=404,
    student=404,
    assistant=403,
    other_instructor=404,
    instructor=200,
    admin=200,
)
def test_patch_draft_matrix(world: World, role: str, code: int) -> None:
    response = world.client(role).patch(url("course-detail", "secret"), {"title": "Renamed"})
    assert response.status_code == code


def test_patch_ignores_status_and_slug(world: World) -> None:
    response = world.client("instructor").patch(
        url("course-detail", "intro"),
        {"status": "archived", "slug": "hijack", "enrollment_open": False},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["slug"], body["status"], body["enrollment_open"]) == ("intro", "published", False)
    assert [t["title"] for t in body["tasks"]] == ["Visible", "Hidden"]


def test_put_requires_title_and_replaces_fields(world: World) -> None:
    client = world.client("instructor")
    assert client.put(url("course-detail", "intro"), {"description": "d"}).status_code == 400
    response = client.put(url("course-detail", "intro"), {"title": "New", "capacity": 3})
    assert response.status_code == 200
    world.course.refresh_from_db()
    assert (world.course.title, world.course.capacity) == ("New", 3)


def test_get_then_put_round_trip(world: World) -> None:
    client = world.client("instructor")
    body = client.get(url("course-detail", "intro")).json()
    body.pop("tasks")
    body["title"] = "Round trip"
    response = client.put(url("course-detail", "intro"), body)
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Round trip"


@matrix(
    anonymous=401,
    outsider=403,
    student=403,
    assistant=403,
    other_instructor=403,
    instructor=204,
    admin=204,
)
def test_delete_matrix(world: World, role: str, code: int) -> None:
    response = world.client(role).delete(url("course-detail", "intro"))
    assert response.status_code == code
    assert Course.objects.filter(slug="intro").exists() is (code != 204)
    if code == 204:
        assert not Task.objects.filter(course_id=world.course.pk).exists()


def test_unknown_course_is_404(world: World) -> None:
    assert world.client("admin").get(url("course-detail", "nope")).status_code == 404


def test_documented_nested_create_example_works(world: World) -> None:
    """The curl example of docs/courses.md creates what the page says."""
    page = (Path(__file__).parents[2] / "docs" / "courses.md").read_text()
    payload = json.loads(re.search(r"-d '(\{.*?\})'", page, re.DOTALL).group(1))  # type: ignore[union-attr]
    response = world.client("instructor").post(url("course-list"), payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "algebra"
    assert [t["position"] for t in body["tasks"]] == [1, 2, 3]
    first, second, _third = (t["id"] for t in body["tasks"])
    assert body["tasks"][2]["prerequisites"] == [first, second]


# -- the settings an instructor edits after creation --------------------------------------


def test_patch_edits_the_course_settings(world: World) -> None:
    client = world.client("instructor")
    settings = {
        "title": "Intro, second run",
        "description": "Now with **more** sums.",
        "capacity": 30,
        "enrollment_open": False,
    }
    response = client.patch(url("course-detail", "intro"), settings, format="json")
    assert response.status_code == 200, response.json()
    shown = client.get(url("course-detail", "intro")).json()
    assert {key: shown[key] for key in settings} == settings
    cleared = client.patch(url("course-detail", "intro"), {"capacity": None}, format="json")
    assert cleared.json()["capacity"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"capacity": -1}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"enrollment_open": "maybe"}, "enrollment_open"),
        ({"title": "Fine", "capacity": -1}, "capacity"),
    ],
)
def test_patch_bad_settings_is_400_and_changes_nothing(
    world: World, payload: dict[str, Any], field: str
) -> None:
    before = Course.objects.filter(slug="intro").values().get()
    response = world.client("instructor").patch(
        url("course-detail", "intro"), payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert Course.objects.filter(slug="intro").values().get() == before


def test_capacity_below_the_enrolled_students_is_allowed_and_closes_self_enrollment(
    world: World,
) -> None:
    # Two students are enrolled; a capacity of one keeps both and lets nobody else in by
    # themselves (staff additions ignore capacity, as they always did).
    client = world.client("instructor")
    response = client.patch(url("course-detail", "intro"), {"capacity": 1}, format="json")
    assert (response.status_code, response.json()["capacity"]) == (200, 1)
    assert Enrollment.objects.students().active().filter(course=world.course).count() == 2
    refused = world.client("outsider").post(url("course-enroll", "intro"))
    assert (refused.status_code, refused.json()["code"]) == (409, "course_full")
    added = client.post(url("course-enrollments", "intro"), {"username": "outsider"})
    assert added.status_code == 201


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_creates_with_one_title_get_different_slugs(world: World) -> None:
    from learnplat.flows import authoring as authoring_flow
    from tests.race import race

    # Six at once: more than the five tries the flow once allowed, which left the last with
    # a 409 slug_conflict.
    creators = [world.users["instructor"], world.users["other_instructor"]] * 3
    outcomes = race(
        *[lambda c=c: authoring_flow.create_course(creator=c, title="Busy day") for c in creators]
    )
    slugs = sorted(outcome.get().slug for outcome in outcomes)
    assert slugs == ["busy-day", *sorted(f"busy-day-{n}" for n in range(2, 7))]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_creates_with_one_explicit_slug_make_one_course(world: World) -> None:
    from tests.race import race

    clients = [world.client("instructor"), world.client("other_instructor")] * 2
    outcomes = race(
        *[
            lambda c=c: c.post(url("course-list"), {"title": "Mine", "slug": "mine"}).status_code
            for c in clients
        ]
    )
    assert sorted(outcome.get() for outcome in outcomes) == [201, 400, 400, 400]
    assert Course.objects.filter(slug="mine").count() == 1

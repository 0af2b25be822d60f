"""ETag and 304 on course detail, task list and detail, course progress and progress/
(API.md, "Operations"; learnplat.conditional)."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.flows.submit import submit
from tests.world import World

pytestmark = pytest.mark.django_db


def paths(world: World) -> list[str]:
    return [
        "/api/courses/",
        "/api/courses/intro/",
        "/api/courses/intro/tasks/",
        f"/api/tasks/{world.task.pk}/",
        "/api/courses/intro/progress/",
        "/api/progress/",
    ]


@pytest.mark.parametrize("index", range(6))
def test_a_current_tag_gets_304_with_no_body(world: World, index: int) -> None:
    client = world.client("student")
    path = paths(world)[index]
    first = client.get(path)
    assert first.status_code == 200, first.content
    etag = first["ETag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert "private" in first["Cache-Control"]
    assert "no-cache" in first["Cache-Control"]
    assert "Authorization" in first["Vary"]

    again = client.get(path, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


@pytest.mark.parametrize("index", range(6))
def test_a_stale_tag_gets_200_with_the_body(world: World, index: int) -> None:
    client = world.client("student")
    path = paths(world)[index]

    response = client.get(path, HTTP_IF_NONE_MATCH='"0123456789abcdef0123456789abcdef"')

    assert response.status_code == 200
    assert response.json()


def test_a_write_changes_the_tag_of_what_it_changes(world: World) -> None:
    student, instructor = world.client("student"), world.client("instructor")
    before = {path: student.get(path)["ETag"] for path in paths(world)}

    assert (
        instructor.patch(
            f"/api/tasks/{world.task.pk}/", {"title": "Renamed"}, format="json"
        ).status_code
        == 200
    )

    after = {path: student.get(path)["ETag"] for path in paths(world)}
    # The course detail lists its tasks, so its tag changes with the title too.
    assert after["/api/courses/intro/"] != before["/api/courses/intro/"]
    assert after["/api/courses/intro/tasks/"] != before["/api/courses/intro/tasks/"]
    assert after[f"/api/tasks/{world.task.pk}/"] != before[f"/api/tasks/{world.task.pk}/"]
    old = before[f"/api/tasks/{world.task.pk}/"]
    assert student.get(f"/api/tasks/{world.task.pk}/", HTTP_IF_NONE_MATCH=old).status_code == 200


def test_a_submission_changes_the_progress_tags(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.client("student")
    before = {p: client.get(p)["ETag"] for p in ("/api/courses/intro/progress/", "/api/progress/")}
    with django_capture_on_commit_callbacks(execute=True):
        submit(user=world.student, task=world.task, answer="4")

    for path, tag in before.items():
        assert client.get(path, HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_one_users_tag_never_matches_another_users_body(world: World) -> None:
    staff_tag = world.client("instructor").get("/api/courses/intro/tasks/")["ETag"]

    # The student sees fewer tasks (no unpublished one): the staff tag is not theirs.
    response = world.client("student").get(
        "/api/courses/intro/tasks/", HTTP_IF_NONE_MATCH=staff_tag
    )

    assert response.status_code == 200
    assert response["ETag"] != staff_tag


def test_errors_and_writes_carry_no_tag(world: World) -> None:
    outsider = world.client("outsider").get("/api/courses/secret/")
    write = world.client("instructor").patch("/api/courses/intro/", {"title": "T"}, format="json")

    assert outsider.status_code == 404
    assert "ETag" not in outsider
    assert write.status_code == 200
    assert "ETag" not in write


def test_the_catalog_is_conditional_and_other_lists_are_not(world: World) -> None:
    assert "ETag" in world.client("student").get("/api/courses/")
    assert "ETag" not in world.client("student").get("/api/submissions/")

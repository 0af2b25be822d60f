"""Accommodations through the API (``courses/{slug}/accommodations/``): every role, one per
student, every bad input, the ``user`` filter, and a list whose query count does not grow."""

from __future__ import annotations

from typing import Any

import pytest

from learnplat.courses.models import Accommodation
from learnplat.roles import Role
from tests.courses.conftest import World, assert_same_query_count, matrix, url
from tests.factories import enroll, make_user

pytestmark = pytest.mark.django_db

STAFF_ONLY = {
    "anonymous": 401,
    "outsider": 404,
    "student": 404,
    "assistant": 200,
    "other_instructor": 404,
    "instructor": 200,
    "admin": 200,
}
FIELDS = {
    "id",
    "user",
    "time_multiplier",
    "extra_late_days",
    "bonus_submissions",
    "note",
    "created",
    "modified",
}


def list_url(slug: str = "intro") -> str:
    return url("course-accommodations", slug)


def detail_url(pk: int, slug: str = "intro") -> str:
    return url("course-accommodation-detail", slug, pk)


def make(world: World, **fields: Any) -> Accommodation:
    return Accommodation.objects.create(course=world.course, user=world.users["student"], **fields)


@matrix(**STAFF_ONLY)
def test_who_lists_accommodations(world: World, role: str, code: int) -> None:
    make(world, extra_late_days=2, note="Letter")
    response = world.client(role).get(list_url())
    assert response.status_code == code
    if code == 200:
        [row] = response.json()["results"]
        assert set(row) == FIELDS
        assert row["user"]["id"] == world.users["student"].pk
        assert (row["extra_late_days"], row["time_multiplier"], row["note"]) == (2, 1.0, "Letter")


@matrix(**STAFF_ONLY)
def test_who_reads_one(world: World, role: str, code: int) -> None:
    accommodation = make(world)
    assert world.client(role).get(detail_url(accommodation.pk)).status_code == code


@matrix(**{**STAFF_ONLY, "assistant": 201, "instructor": 201, "admin": 201})
def test_who_creates_one(world: World, role: str, code: int) -> None:
    body = {"user": world.users["student"].pk, "time_multiplier": 1.5, "bonus_submissions": 1}
    response = world.client(role).post(list_url(), body, format="json")
    assert response.status_code == code, response.content
    assert Accommodation.objects.count() == (1 if code == 201 else 0)
    if code == 201:
        assert set(response.json()) == FIELDS
        assert response.json()["time_multiplier"] == 1.5
        assert response.json()["user"]["username"] == "student"


@matrix(**STAFF_ONLY)
def test_who_changes_one(world: World, role: str, code: int) -> None:
    accommodation = make(world)
    response = world.client(role).patch(
        detail_url(accommodation.pk), {"extra_late_days": 3}, format="json"
    )
    assert response.status_code == code
    accommodation.refresh_from_db()
    assert accommodation.extra_late_days == (3 if code == 200 else 0)
    if code == 200:
        assert response.json()["extra_late_days"] == 3


@matrix(**{**STAFF_ONLY, "assistant": 204, "instructor": 204, "admin": 204})
def test_who_deletes_one(world: World, role: str, code: int) -> None:
    accommodation = make(world)
    assert world.client(role).delete(detail_url(accommodation.pk)).status_code == code
    assert Accommodation.objects.exists() == (code != 204)


def test_a_second_one_for_the_student_is_a_400_on_user(world: World) -> None:
    make(world)
    response = world.client("instructor").post(
        list_url(), {"user": world.users["student"].pk}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["user"]
    assert Accommodation.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"time_multiplier": 0}, "time_multiplier"),
        ({"time_multiplier": -1}, "time_multiplier"),
        ({"time_multiplier": 10.5}, "time_multiplier"),
        ({"time_multiplier": "fast"}, "time_multiplier"),
        ({"extra_late_days": -1}, "extra_late_days"),
        ({"bonus_submissions": -2}, "bonus_submissions"),
        ({"extra_late_days": 1.5}, "extra_late_days"),
        ({"note": "x" * 2001}, "note"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_400_on_the_field(world: World, body: dict[str, Any], field: str) -> None:
    response = world.client("instructor").post(
        list_url(), {"user": world.users["student"].pk, **body}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Accommodation.objects.exists()
    accommodation = make(world)
    response = world.client("instructor").patch(detail_url(accommodation.pk), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    accommodation.refresh_from_db()
    assert accommodation.time_multiplier == 1.0


@pytest.mark.parametrize("who", ["outsider", "assistant", "instructor", "nobody"])
def test_the_user_must_be_an_enrolled_student(world: World, who: str) -> None:
    user = 999_999 if who == "nobody" else world.users[who].pk
    response = world.client("instructor").post(list_url(), {"user": user}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["user"]


def test_ten_is_the_largest_multiplier_and_patch_keeps_the_student(world: World) -> None:
    accommodation = make(world)
    response = world.client("instructor").patch(
        detail_url(accommodation.pk),
        {"time_multiplier": 10, "user": world.users["other_student"].pk},
        format="json",
    )
    assert response.status_code == 200
    accommodation.refresh_from_db()
    assert (accommodation.time_multiplier, accommodation.user_id) == (
        10.0,
        world.users["student"].pk,
    )


def test_another_course_s_accommodation_is_not_found(world: World) -> None:
    other = Accommodation.objects.create(course=world.other_course, user=world.users["student"])
    client = world.client("instructor")
    assert client.get(detail_url(other.pk)).status_code == 404
    assert client.patch(detail_url(other.pk), {"note": "x"}, format="json").status_code == 404
    assert client.delete(detail_url(other.pk)).status_code == 404


def test_filter_by_user(world: World) -> None:
    make(world)
    Accommodation.objects.create(course=world.course, user=world.users["other_student"])
    client = world.client("instructor")
    rows = client.get(list_url(), {"user": world.users["other_student"].pk}).json()["results"]
    assert [r["user"]["id"] for r in rows] == [world.users["other_student"].pk]
    assert client.get(list_url(), {"user": "x"}).status_code == 400


def test_list_query_count_is_constant(world: World, django_assert_num_queries: Any) -> None:
    client = world.client("instructor")
    make(world)

    def more() -> None:
        for _ in range(15):
            user = make_user(Role.STUDENT)
            enroll(user, world.course)
            Accommodation.objects.create(course=world.course, user=user, extra_late_days=1)

    def listing() -> None:
        assert client.get(list_url(), {"page_size": 50}).status_code == 200

    assert_same_query_count(django_assert_num_queries, listing, listing, between=more)

"""POST lti/session/: a launch code gives one token pair, once, while it is fresh."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from learnplat.lti.models import LaunchCode
from tests.lti.platform import LEARNER, Person, launch
from tests.lti.test_launch import code_of, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(world: Any, registration: Any, browser: Client) -> str:
    person = Person(sub="session-1", roles=[LEARNER])
    return code_of(launch(browser, person, custom={"learnplat_course": world.course.slug}).response)


def test_a_code_works_once(code: str) -> None:
    assert session(code).status_code == 200

    again = session(code)

    assert again.status_code == 401
    assert again.json()["code"] == "lti_code_invalid"


def test_an_expired_code_is_refused(code: str) -> None:
    LaunchCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert session(code).status_code == 401


def test_the_code_is_not_stored(code: str) -> None:
    assert not LaunchCode.objects.filter(code_hash=code).exists()
    assert code not in str(list(LaunchCode.objects.values_list("code_hash", flat=True)))


def test_a_deactivated_user_gets_no_session(code: str) -> None:
    row = LaunchCode.objects.select_related("user").get()
    row.user.is_active = False
    row.user.save(update_fields=["is_active"])

    assert session(code).status_code == 401


def test_a_stale_authorization_header_does_not_get_in_the_way(code: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert client.post("/api/lti/session/", {"code": code}, format="json").status_code == 200


@pytest.mark.parametrize(
    "body",
    [{}, {"code": ""}, {"code": "x" * 101}, {"code": ["a"]}, {"code": {"a": 1}}, []],
)
def test_bad_input_is_refused_like_an_unknown_code(db: None, body: Any) -> None:
    response = APIClient().post("/api/lti/session/", body, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "lti_code_invalid"


def test_an_unknown_code_is_a_401(db: None) -> None:
    assert session("never-issued").status_code == 401


def test_get_is_not_allowed(db: None) -> None:
    assert APIClient().get("/api/lti/session/").status_code == 405


def test_options_describes_the_endpoint(db: None) -> None:
    response = APIClient().options("/api/lti/session/")

    assert response.status_code == 200
    assert "code" in response.json()["actions"]["POST"]


def test_a_body_that_is_not_json_is_a_400_parse_error(db: None) -> None:
    response = APIClient().post("/api/lti/session/", b"\x00", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"

"""lti/registrations/ (platform admins), the JWKS and key rotation."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from lti_tool.models import Key, LtiRegistration

from learnplat.flows import lti as lti_flows
from tests.factories import LTI_REGISTRATION
from tests.world import client_for

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "student", "instructor", "assistant", "outsider", "admin", "superuser"]
ALLOWED = {"admin", "superuser"}

# Two deployments: the answer and the replace-the-set tests need more than one.
BODY = {**LTI_REGISTRATION, "deployment_ids": ["1", "2"]}


def expected(actor: str, ok: int) -> int:
    if actor == "anonymous":
        return 401
    return ok if actor in ALLOWED else 403


def made(n: int = 0, **overrides: Any) -> Any:
    values = {**BODY, "client_id": f"client-{n}", **overrides}
    return lti_flows.create_registration(**values)


@pytest.mark.parametrize("actor", ACTORS)
def test_only_platform_admins_list(world: Any, actor: str) -> None:
    made()

    response = world.client(actor).get("/api/lti/registrations/")

    assert response.status_code == expected(actor, 200)


@pytest.mark.parametrize("actor", ACTORS)
def test_only_platform_admins_register(world: Any, actor: str) -> None:
    response = world.client(actor).post("/api/lti/registrations/", BODY, format="json")

    assert response.status_code == expected(actor, 201)
    assert LtiRegistration.objects.exists() == (actor in ALLOWED)


@pytest.mark.parametrize("actor", ACTORS)
def test_only_platform_admins_read_change_and_remove(world: Any, actor: str) -> None:
    registration = made()
    url = f"/api/lti/registrations/{registration.pk}/"
    client = world.client(actor)

    assert client.get(url).status_code == expected(actor, 200)
    assert client.patch(url, {"name": "New"}, format="json").status_code == expected(actor, 200)
    assert client.delete(url).status_code == expected(actor, 204)
    assert LtiRegistration.objects.filter(pk=registration.pk).exists() == (actor not in ALLOWED)


def test_the_answer_names_the_deployments_and_the_tool_urls(world: Any) -> None:
    response = world.client("admin").post("/api/lti/registrations/", BODY, format="json")

    body = response.json()
    assert body["deployment_ids"] == ["1", "2"]
    assert body["tool"] == {
        "login_url": f"http://testserver/api/lti/login/{body['uuid']}/",
        "launch_url": "http://testserver/api/lti/launch/",
        "deep_linking_url": "http://testserver/api/lti/launch/",
        "jwks_url": "http://testserver/api/lti/jwks/",
    }
    assert Key.objects.active().count() == 1  # the first registration makes the tool's key


def test_deployment_ids_replace_the_active_set(world: Any) -> None:
    registration = made()
    url = f"/api/lti/registrations/{registration.pk}/"

    body = world.client("admin").patch(url, {"deployment_ids": ["2", "3"]}, format="json").json()

    assert body["deployment_ids"] == ["2", "3"]
    assert registration.deployments.filter(deployment_id="1", is_active=False).exists()


def test_missing_registrations_are_404_for_admins_403_for_others(world: Any) -> None:
    assert world.client("admin").get("/api/lti/registrations/999/").status_code == 404
    assert world.client("student").get("/api/lti/registrations/999/").status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"issuer": ""}, "issuer"),
        ({"auth_url": "not a url"}, "auth_url"),
        ({"token_url": "ftp://x"}, "token_url"),
        ({"keyset_url": None}, "keyset_url"),
        ({"name": "x" * 256}, "name"),
        ({"deployment_ids": "1"}, "deployment_ids"),
        ({"deployment_ids": [""]}, "deployment_ids"),
        ({"deployment_ids": [str(n) for n in range(101)]}, "deployment_ids"),
        ({"is_active": "maybe"}, "is_active"),
    ],
)
def test_bad_input_is_a_400(world: Any, change: dict[str, Any], field: str) -> None:
    response = world.client("admin").post(
        "/api/lti/registrations/", {**BODY, **change}, format="json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json()


def test_a_second_registration_of_the_same_client_is_a_400_on_client_id(world: Any) -> None:
    made(client_id=BODY["client_id"])

    response = world.client("admin").post("/api/lti/registrations/", BODY, format="json")

    # On the field, as documented (the front end shows it beside Client ID), not as a
    # non_field_errors of the model's unique constraint.
    assert response.status_code == 400
    assert response.json() == {
        "client_id": ["A registration with this issuer and client id exists."]
    }
    assert LtiRegistration.objects.count() == 1


def test_changing_a_registration_into_another_ones_client_is_a_400_on_client_id(
    world: Any,
) -> None:
    made(1)
    second = made(2)

    response = world.client("admin").patch(
        f"/api/lti/registrations/{second.pk}/", {"client_id": "client-1"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"client_id"}
    second.refresh_from_db()
    assert second.client_id == "client-2"


def test_a_non_object_body_is_a_400(world: Any) -> None:
    response = world.client("admin").post("/api/lti/registrations/", [1], format="json")

    assert response.status_code == 400


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_costs_the_same_queries_at_any_size(
    world: Any, size: int, django_assert_num_queries: Any, host_shape: str
) -> None:
    for n in range(size):
        made(n)
    client = client_for(world.admin)

    # The caller, (the caller's groups where roles are groups,) count, page, deployments.
    with django_assert_num_queries(5 if host_shape == "auth_user" else 4):
        response = client.get("/api/lti/registrations/", {"page_size": 50})

    assert response.json()["count"] == size


def test_the_jwks_serves_the_current_and_the_previous_key(db: None, client: Any) -> None:
    first = lti_flows.ensure_tool_key()
    second, _retired = lti_flows.rotate_tool_keys()

    kids = {key["kid"] for key in client.get("/api/lti/jwks/").json()["keys"]}

    assert kids == {str(first), str(second)}


def test_rotation_retires_keys_older_than_the_previous_one(db: None, client: Any) -> None:
    oldest = lti_flows.ensure_tool_key()
    lti_flows.rotate_tool_keys()

    call_command("learnplat_lti_rotate_keys")

    kids = {key["kid"] for key in client.get("/api/lti/jwks/").json()["keys"]}
    assert str(oldest) not in kids
    assert len(kids) == 2

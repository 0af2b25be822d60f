"""Forged, expired, replayed and misaddressed launches: 401 (cannot be verified) or 403
(verified, but not from a registration and deployment this tool serves); never a session,
a launch code or a user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from lti_tool.models import LtiUser

from learnplat.lti.models import LaunchCode
from tests.lti.platform import (
    LEARNER,
    Person,
    forged_registration,
    launch,
    platform_registration,
)
from tests.lti.test_launch import code_of

pytestmark = pytest.mark.django_db

PERSON = Person(sub="mallory", roles=[LEARNER])


def assert_nothing_made(response: Any, users_before: int) -> None:
    assert "Location" not in response
    assert "sessionid" not in response.cookies
    assert not LaunchCode.objects.exists()
    assert not LtiUser.objects.filter(sub=PERSON.sub).exists()
    assert get_user_model().objects.count() == users_before


def _bad_signature(client: Client, custom: dict[str, str]) -> Any:
    return launch(client, PERSON, custom=custom, sign_with=forged_registration()).response


def _expired(client: Client, custom: dict[str, str]) -> Any:
    return launch(client, PERSON, custom=custom, expires_in=-120).response


def _claims(**claims: Any) -> Callable[[Client, dict[str, str]], Any]:
    def run(client: Client, custom: dict[str, str]) -> Any:
        return launch(client, PERSON, custom=custom, extra_claims=claims).response

    return run


def _no_state_cookie(client: Client, custom: dict[str, str]) -> Any:
    outcome = launch(client, PERSON, custom=custom, post=False)
    form = outcome.launch_data
    return Client().post("/api/lti/launch/", {"id_token": form["id_token"], "state": form["state"]})


def _state_of_another_login(client: Client, custom: dict[str, str]) -> Any:
    outcome = launch(client, PERSON, custom=custom, post=False)
    other = launch(Client(), PERSON, custom=custom, post=False).launch_data
    return client.post(
        "/api/lti/launch/",
        {"id_token": outcome.launch_data["id_token"], "state": other["state"]},
    )


def _not_a_jwt(client: Client, custom: dict[str, str]) -> Any:
    form = launch(client, PERSON, custom=custom, post=False).launch_data
    return client.post("/api/lti/launch/", {"id_token": "not.a.jwt", "state": form["state"]})


@pytest.mark.parametrize(
    ("attack", "status"),
    [
        pytest.param(_bad_signature, 401, id="signed-with-another-key"),
        pytest.param(_expired, 401, id="expired"),
        pytest.param(_no_state_cookie, 401, id="no-state-cookie"),
        pytest.param(_state_of_another_login, 401, id="state-of-another-login"),
        pytest.param(_not_a_jwt, 401, id="not-a-jwt"),
        pytest.param(_claims(nonce="made-up"), 401, id="nonce-we-never-issued"),
        pytest.param(_claims(aud="another-client", azp="another-client"), 403, id="wrong-aud"),
        pytest.param(_claims(iss="https://evil.example"), 403, id="wrong-iss"),
        pytest.param(
            _claims(**{"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "9:nope"}),
            403,
            id="unknown-deployment",
        ),
    ],
)
def test_refused_launches(
    world: Any, registration: Any, browser: Client, attack: Any, status: int
) -> None:
    users_before = get_user_model().objects.count()

    response = attack(browser, {"learnplat_course": world.course.slug})

    assert response.status_code == status, response.content
    assert_nothing_made(response, users_before)


def test_a_replayed_launch_is_refused(world: Any, registration: Any, browser: Client) -> None:
    outcome = launch(browser, PERSON, custom={"learnplat_course": world.course.slug})
    code_of(outcome.response)
    codes = LaunchCode.objects.count()
    form = outcome.launch_data

    again = browser.post("/api/lti/launch/", {"id_token": form["id_token"], "state": form["state"]})

    assert again.status_code == 401
    assert "Location" not in again
    assert LaunchCode.objects.count() == codes


def test_an_inactive_deployment_is_refused(world: Any, registration: Any, browser: Client) -> None:
    registration.deployments.update(is_active=False)
    users_before = get_user_model().objects.count()

    response = launch(browser, PERSON, custom={"learnplat_course": world.course.slug}).response

    assert response.status_code == 403
    assert_nothing_made(response, users_before)


def test_an_unknown_registration_cannot_even_log_in(db: None, browser: Client) -> None:
    # No registration at all: the OIDC login itself is refused.
    from tests.lti.platform import login_redirect

    response = login_redirect(browser, platform_registration(), PERSON)

    assert response.status_code == 403
    assert not any(name.startswith("lti1p3-state") for name in response.cookies)


def test_a_login_without_target_link_uri_is_a_400(registration: Any, browser: Client) -> None:
    response = browser.get("/api/lti/login/", {"iss": registration.issuer, "login_hint": "x"})

    assert response.status_code == 400


def test_an_inactive_registration_is_refused(
    world: Any, registration: Any, browser: Client
) -> None:
    registration.is_active = False
    registration.save(update_fields=["is_active"])

    response = login_redirect_status(browser)

    assert response == 403


def login_redirect_status(browser: Client) -> int:
    from tests.lti.platform import login_redirect

    return int(login_redirect(browser, platform_registration(), PERSON).status_code)


def login_at_registration_url(browser: Client, registration: Any, **extra: str) -> Any:
    return browser.get(
        f"/api/lti/login/{registration.uuid}/",
        {
            "iss": registration.issuer,
            "login_hint": "x",
            "target_link_uri": "http://testserver/api/lti/launch/",
            # Past pylti1p3's cookie-check page, as a browser goes (tests/lti/platform.py).
            "lti1p3_new_window": "1",
            **extra,
        },
    )


def test_the_registration_url_logs_in_a_platform_that_sends_no_client_id(
    registration: Any, browser: Client
) -> None:
    response = login_at_registration_url(browser, registration)

    assert response.status_code == 302
    assert response["Location"].startswith(registration.auth_url)
    assert f"client_id={registration.client_id}" in response["Location"]


def test_the_registration_url_refuses_an_issuer_it_does_not_name(
    registration: Any, browser: Client
) -> None:
    registration.issuer = "https://other-lms.example"
    response = login_at_registration_url(browser, registration)

    assert response.status_code == 403


def test_the_registration_url_of_an_inactive_registration_is_refused(
    registration: Any, browser: Client
) -> None:
    registration.is_active = False
    registration.save(update_fields=["is_active"])

    assert login_at_registration_url(browser, registration).status_code == 403

"""The test platform: ``lti1p3platform`` (a platform implementation we did not write) builds
the OIDC login request and signs the launches; its service endpoints run in a separate
process (platform_server.py).

A launch goes as in a browser: the platform's login URL to the tool's ``lti/login/``, the
tool's redirect to the platform's auth URL (state cookie set, nonce remembered), the
platform's signed id_token posted to the tool's ``lti/launch/``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import typing as t
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import requests
from django.test import Client
from django.urls import reverse
from jwcrypto.jwk import JWK
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest

ISSUER = "https://canvas.test.instructure.com"
CLIENT_ID = "10000000000042"
DEPLOYMENT_ID = "7:deadbeef"
CONTEXT_ID = "course-ctx-1"

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
TEACHING_ASSISTANT = (
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
)
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
# Canvas sends institution roles alongside the context ones.
INSTITUTION_STUDENT = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"

TOOL_LAUNCH = "http://testserver/api/lti/launch/"


def _pem_pair() -> tuple[str, str]:
    key = JWK.generate(kty="RSA", size=2048)
    return (
        key.export_to_pem(private_key=True, password=None).decode(),
        key.export_to_pem().decode(),
    )


PRIVATE_KEY, PUBLIC_KEY = _pem_pair()


class _Platform(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: t.Any) -> None:
        self.registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        return self.registration


class _DictRequest(Request):
    def build_metadata(self, request: t.Any) -> TRequest:
        return request  # type: ignore[no-any-return]


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: t.Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class _Launch(LTIAdvantageMessageLaunchAbstract):
    #: Claims replaced after the platform has built the message (nonce included).
    overrides: t.ClassVar[dict[str, t.Any]] = {}

    def get_launch_data(self) -> tuple[dict[str, t.Any], str]:
        message, state = super().get_launch_data()
        message.update(self.overrides)
        return message, state

    def render_launch_form(self, launch_data: dict[str, t.Any], **kwargs: t.Any) -> t.Any:
        return launch_data  # the fields of the auto-posting form a platform would render


class _ForgedKid(Registration):
    """Signs with another key but claims the platform's key id."""

    def get_kid(self) -> str | None:
        return t.cast(str, Registration.get_jwk(PUBLIC_KEY)["kid"])


def platform_registration(
    *, private_key: str = PRIVATE_KEY, public_key: str = PUBLIC_KEY, cls: type = Registration
) -> Registration:
    return (
        cls()
        .set_iss(ISSUER)
        .set_client_id(CLIENT_ID)
        .set_deployment_id(DEPLOYMENT_ID)
        .set_oidc_login_url("http://testserver" + reverse("learnplat:lti-login"))
        .set_launch_url(TOOL_LAUNCH)
        .set_deeplink_launch_url(TOOL_LAUNCH)
        .set_platform_private_key(private_key)
        .set_platform_public_key(public_key)
    )


def forged_registration() -> Registration:
    other_private, other_public = _pem_pair()
    return platform_registration(private_key=other_private, public_key=other_public, cls=_ForgedKid)


@dataclass
class Person:
    sub: str
    roles: list[str]
    name: str = "Ada Lovelace"
    given_name: str = "Ada"
    family_name: str = "Lovelace"
    email: str = "ada@uni.example"


@dataclass
class LaunchOutcome:
    response: t.Any
    client: Client
    launch_data: dict[str, t.Any]


def login_redirect(client: Client, registration: Registration, person: Person) -> t.Any:
    """Steps 1-2: the platform starts the OIDC login; the tool answers with its redirect."""
    login = _Login(None, _Platform(registration=registration))
    login.set_lti_message_hint(hint="resource-link-1")
    url = login.initiate_login(person.sub)
    # The tool first answers with a page that checks cookies work and then reloads itself
    # with lti1p3_new_window=1 (pylti1p3); a browser would follow it, so does this.
    return client.get(url + "&lti1p3_new_window=1")


def launch(
    client: Client,
    person: Person,
    *,
    resource_link_id: str = "resource-link-1",
    custom: dict[str, str] | None = None,
    sign_with: Registration | None = None,
    extra_claims: dict[str, t.Any] | None = None,
    expires_in: int = 300,
    services: str | None = None,
    deep_link_return_url: str | None = None,
    post: bool = True,
) -> LaunchOutcome:
    """A whole launch of ``person``; ``sign_with`` another registration forges it."""
    registration = platform_registration()
    redirect = login_redirect(client, registration, person)
    assert redirect.status_code == 302, redirect.content
    preflight = dict(parse_qsl(urlsplit(redirect["Location"]).query))
    message = _Launch(
        _DictRequest({"get_data": preflight, "form_data": {}}),
        _Platform(registration=sign_with or registration),
    )
    message.set_user_data(person.sub, person.roles, person.name, person.email)
    message.set_extra_claims({"given_name": person.given_name, "family_name": person.family_name})
    message.set_resource_link_claim(resource_link_id, title="Week 1")
    message.set_launch_context_claim(
        CONTEXT_ID,
        context_types=["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
        context_title="Intro to Computing",
        context_label="CS101",
    )
    if custom:
        message.set_custom_parameters_claim(custom)
    if services:
        message.set_ags(lineitems_url=f"{services}/lineitems", allow_creating_lineitems=True)
        message.set_nrps(f"{services}/memberships")
    if deep_link_return_url:
        message.set_dl(deep_link_return_url, title="learnplat")
    message.set_id_token_expiration(expires_in)
    if extra_claims:
        message.overrides = extra_claims
    form = message.lti_launch()
    response = None
    if post:
        path = urlsplit(form["launch_url"]).path
        response = client.post(path, {"id_token": form["id_token"], "state": form["state"]})
    return LaunchOutcome(response=response, client=client, launch_data=form)


def deep_link_form(html: str) -> tuple[str, str]:
    """The action and JWT of the auto-posting form a deep-linking answer is."""
    action = re.search(r'action="([^"]+)"', html)
    jwt_value = re.search(r'name="JWT" value="([^"]+)"', html)
    assert action, html
    assert jwt_value, html
    return action.group(1), jwt_value.group(1)


def validate_deep_linking_response(jwt_value: str, tool_jwks: dict[str, t.Any]) -> list[t.Any]:
    """What the platform does with the tool's answer: check its signature against the
    tool's JWKS and read the content items (lti1p3platform)."""
    registration = platform_registration().set_tool_key_set(tool_jwks)  # type: ignore[arg-type]
    platform = _Platform(registration=registration)
    platform.get_registration()
    return platform.validate_deeplinking_resp({"JWT": jwt_value})


class PlatformServer:
    """platform_server.py in its own process."""

    def __init__(self) -> None:
        self._config = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)  # noqa: SIM115
        json.dump(
            {
                "issuer": ISSUER,
                "client_id": CLIENT_ID,
                "deployment_id": DEPLOYMENT_ID,
                "context_id": CONTEXT_ID,
                "private_key": PRIVATE_KEY,
                "public_key": PUBLIC_KEY,
            },
            self._config,
        )
        self._config.close()
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                str(Path(__file__).with_name("platform_server.py")),
                self._config.name,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.startswith("PORT "), line
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"

    def trust_tool(self, jwks: dict[str, t.Any]) -> None:
        requests.post(f"{self.url}/_tool_jwks", json=jwks, timeout=10).raise_for_status()

    def reset(self) -> None:
        requests.post(f"{self.url}/_reset", timeout=10).raise_for_status()

    def set_members(self, members: list[dict[str, t.Any]]) -> None:
        requests.post(f"{self.url}/_members", json=members, timeout=10).raise_for_status()

    def state(self) -> dict[str, t.Any]:
        response = requests.get(f"{self.url}/_state", timeout=10)
        response.raise_for_status()
        return t.cast(dict[str, t.Any], response.json())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        Path(self._config.name).unlink(missing_ok=True)

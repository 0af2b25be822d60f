"""Fixtures of the LTI tests: the platform's service process (one per test process), a
registration of it, the world's course bound to nothing yet."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from learnplat.flows import lti as lti_flows
from tests.lti.platform import CLIENT_ID, DEPLOYMENT_ID, ISSUER, PlatformServer


@pytest.fixture(scope="session")
def platform_server() -> Iterator[PlatformServer]:
    server = PlatformServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def platform(platform_server: PlatformServer) -> PlatformServer:
    platform_server.reset()
    return platform_server


@pytest.fixture
def registration(db: None, platform: PlatformServer) -> Any:
    return lti_flows.create_registration(
        name="Canvas (test)",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_url=f"{platform.url}/auth",
        token_url=f"{platform.url}/token",
        keyset_url=f"{platform.url}/jwks",
        deployment_ids=[DEPLOYMENT_ID],
    )


@pytest.fixture
def browser() -> Client:
    return Client()

"""OPTIONS on every list and action route answers (DRF describes each method with the
serializer of the action that method maps to), for the roles that may write there."""

from __future__ import annotations

import pytest

from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/courses/",
        "/api/webhooks/endpoints/",
        "/api/webhooks/deliveries/",
        "/api/webhooks/endpoints/1/rotate-secret/",
        "/api/webhooks/deliveries/1/replay/",
        "/api/lti/registrations/",
        "/api/lti/session/",
    ],
)
def test_options_describes_the_route(world: World, path: str) -> None:
    response = world.client("admin").options(path)
    assert response.status_code == 200, response.content
    assert response.json()["name"]

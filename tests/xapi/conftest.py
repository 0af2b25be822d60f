"""The xAPI tests: the sink registered for them alone, and one Ralph per test process.

``learnplat.xapi`` is not in the test projects' ``INSTALLED_APPS`` (the other apps' tests
count the outbox's sinks and deliveries without it), so these tests register its sink as its
``ready()`` does and remove it afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from learnplat.events.sinks import register_sink, unregister_sink
from learnplat.xapi.sink import SINK_NAME, xapi_sink
from tests.xapi.lrs import RalphServer


@pytest.fixture(autouse=True)
def _xapi_sink() -> Iterator[None]:
    register_sink(xapi_sink)
    yield
    unregister_sink(SINK_NAME)


@pytest.fixture(scope="session")
def ralph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RalphServer]:
    server = RalphServer(tmp_path_factory.mktemp("ralph"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def xapi(learnplat_settings: Any, ralph: RalphServer) -> RalphServer:
    """``LEARNPLAT["XAPI"]`` pointing at the session's Ralph."""
    learnplat_settings(XAPI=ralph.xapi_settings())
    return ralph

"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from rest_framework.test import APIClient

from tests.overrides import LearnplatSettings
from tests.world import World, build_world, client_for, person

__all__ = ["client_for"]  # imported from here by many tests


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


@pytest.fixture(autouse=True)
def _clear_caches() -> None:
    """Throttle counts live in the cache: start every test with none, whatever ran before."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def learnplat_settings(settings: Any) -> LearnplatSettings:
    """``learnplat_settings(EVALUATION={"MAX_TRIES": 1})`` deep-merges onto the host shape's
    ``LEARNPLAT`` for this test (see tests/overrides.py)."""
    return LearnplatSettings(lambda value: setattr(settings, "LEARNPLAT", value))


@pytest.fixture
def host_shape() -> str:
    return str(settings.LEARNPLAT_HOST_SHAPE)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def auth_client() -> Callable[[Any], APIClient]:
    return client_for


@pytest.fixture
def world(db: None) -> World:
    """The one test world (tests/world.py): every role around a course, a draft, another."""
    return build_world()


# The world's people alone, for tests that count every user: the same rows as the world's
# when a test asks for both.
@pytest.fixture
def student(db: None) -> Any:
    return person("student")


@pytest.fixture
def instructor(db: None) -> Any:
    return person("instructor")


@pytest.fixture
def platform_admin(db: None) -> Any:
    return person("admin")


@pytest.fixture
def superuser(db: None) -> Any:
    """A Django superuser with no learnplat role of its own: still a platform admin."""
    return person("superuser")


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"

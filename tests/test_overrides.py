"""The ``learnplat_settings`` fixture and ``override_learnplat``: deep merge, then restore."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings

from learnplat.conf import DEFAULTS
from learnplat.conf import settings as lp
from tests.overrides import LearnplatSettings, merge, override_learnplat

#: What a host shape might set: a top-level key and a nested map with two keys.
HOST = {
    "MAX_PAGE_SIZE": 40,
    "EVALUATION": {"MAX_TRIES": 5, "LEASE_SECONDS": 77},
    "PERMISSIONS": {"course_create": ["learnplat.permissions.IsPlatformAdmin"]},
}


@pytest.fixture
def after_teardown() -> Iterator[list[Callable[[], None]]]:
    """Checks run once every fixture the test requested after this one is torn down."""
    checks: list[Callable[[], None]] = []
    yield checks
    for check in checks:
        check()


@pytest.fixture
def host(settings: Any) -> dict[str, Any]:
    settings.LEARNPLAT = HOST
    return HOST


def test_merge_goes_to_any_depth_and_replaces_everything_else() -> None:
    base = {"A": {"B": {"C": 1, "D": 2}, "E": [1, 2]}, "F": 1}
    merged = merge(base, {"A": {"B": {"C": 9}, "E": [3]}, "G": {"H": 1}})
    assert merged == {"A": {"B": {"C": 9, "D": 2}, "E": [3]}, "F": 1, "G": {"H": 1}}
    assert base == {"A": {"B": {"C": 1, "D": 2}, "E": [1, 2]}, "F": 1}


def test_a_nested_key_keeps_the_other_keys_and_the_host_shapes_own(
    host: dict[str, Any], learnplat_settings: LearnplatSettings
) -> None:
    learnplat_settings(EVALUATION={"MAX_TRIES": 1})

    assert django_settings.LEARNPLAT["MAX_PAGE_SIZE"] == 40
    assert django_settings.LEARNPLAT["EVALUATION"] == {"MAX_TRIES": 1, "LEASE_SECONDS": 77}
    assert django_settings.LEARNPLAT["PERMISSIONS"] == HOST["PERMISSIONS"]
    # What learnplat reads: the override, the host's other key, the defaults under both.
    assert lp.EVALUATION["MAX_TRIES"] == 1
    assert lp.EVALUATION["LEASE_SECONDS"] == 77
    assert lp.EVALUATION["QUEUE_NAME"] == DEFAULTS["EVALUATION"]["QUEUE_NAME"]
    assert HOST["EVALUATION"] == {"MAX_TRIES": 5, "LEASE_SECONDS": 77}


def test_calls_stack_and_reset_goes_back_to_the_start(
    host: dict[str, Any], learnplat_settings: LearnplatSettings
) -> None:
    learnplat_settings(EVALUATION={"MAX_TRIES": 1})
    learnplat_settings(EVALUATION={"LEASE_SECONDS": 5}, PAGE_SIZE=3)
    assert django_settings.LEARNPLAT["EVALUATION"] == {"MAX_TRIES": 1, "LEASE_SECONDS": 5}
    assert lp.PAGE_SIZE == 3

    learnplat_settings.reset()
    assert django_settings.LEARNPLAT == HOST


def test_the_fixture_restores_the_settings_after_the_test(
    after_teardown: list[Callable[[], None]], learnplat_settings: LearnplatSettings
) -> None:
    before = dict(django_settings.LEARNPLAT)
    learnplat_settings(PAGE_SIZE=3, EVALUATION={"MAX_TRIES": 1})
    assert lp.PAGE_SIZE == 3

    def restored() -> None:
        now, page_size = django_settings.LEARNPLAT, lp.PAGE_SIZE
        assert now == before
        assert page_size == DEFAULTS["PAGE_SIZE"]

    after_teardown.append(restored)


def test_the_context_manager_merges_the_same_way_and_restores_on_exit(host: Any) -> None:
    with override_learnplat(EVALUATION={"MAX_TRIES": 1}) as more:
        assert django_settings.LEARNPLAT["EVALUATION"] == {"MAX_TRIES": 1, "LEASE_SECONDS": 77}
        assert django_settings.LEARNPLAT["MAX_PAGE_SIZE"] == 40
        more(PAGE_SIZE=3)
        assert lp.PAGE_SIZE == 3
        assert lp.EVALUATION["MAX_TRIES"] == 1
    assert django_settings.LEARNPLAT == HOST

    with pytest.raises(ZeroDivisionError), override_learnplat(PAGE_SIZE=3):
        _ = 1 / 0
    assert django_settings.LEARNPLAT == HOST

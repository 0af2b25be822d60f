"""Change ``LEARNPLAT`` for a test: deep-merged onto the host shape's own.

``override_settings(LEARNPLAT={...})`` replaces the whole map and drops the host shape's
keys (the auth_user shape's role settings); ``{**LEARNPLAT, **overrides}`` still drops
the other keys of a nested map. Here every nested map (``EVALUATION``, ``PERMISSIONS``,
``SERIALIZERS``, ``THROTTLE_RATES``, ``PROGRESS``, ...) merges key by key, at any depth;
any other value, lists included, replaces what was there::

    def test_one_try(learnplat_settings):               # the fixture, in tests/conftest.py
        learnplat_settings(EVALUATION={"MAX_TRIES": 1})  # the other EVALUATION keys stay
        ...
        learnplat_settings.reset()                      # back to how the test started

    with override_learnplat(EVALUATORS={"x": "..."}):  # where no fixture can go (hypothesis)
        ...

Calls stack: each merges onto what the previous left. Everything is restored when the test
or the ``with`` block ends.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import Any

from django.conf import settings as django_settings
from django.test import override_settings


def merge(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``overrides`` merged in: maps key by key, anything else replaced.

    Neither argument is changed, so the host shape's settings never are.
    """
    merged = copy.deepcopy(dict(base))
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def current() -> dict[str, Any]:
    """A copy of ``settings.LEARNPLAT`` as it is now (``{}`` where the host sets none)."""
    return copy.deepcopy(dict(getattr(django_settings, "LEARNPLAT", None) or {}))


class LearnplatSettings:
    """Deep-merges keyword arguments into ``LEARNPLAT``; ``write`` stores the result.

    The fixture writes through pytest-django's ``settings`` and the context manager through
    ``override_settings``: each restores in its own stack, so a test that also changes other
    settings gets them all back in the right order.
    """

    def __init__(self, write: Callable[[dict[str, Any]], None]) -> None:
        self._write = write
        self._start = current()

    def __call__(self, **overrides: Any) -> None:
        self._write(merge(current(), overrides))

    def reset(self) -> None:
        """``LEARNPLAT`` as it was when this object was made."""
        self._write(copy.deepcopy(self._start))


@contextmanager
def override_learnplat(**overrides: Any) -> Iterator[LearnplatSettings]:
    """``overrides`` merged into ``LEARNPLAT`` for the block; the object applies more."""
    with ExitStack() as stack:

        def write(value: dict[str, Any]) -> None:
            stack.enter_context(override_settings(LEARNPLAT=value))

        apply = LearnplatSettings(write)
        if overrides:
            apply(**overrides)
        yield apply

"""Kind → evaluator lookup through ``LEARNPLAT["EVALUATORS"]``.

The host's map is merged onto the built-ins, so adding a kind is one line; ``None`` removes
a built-in kind::

    LEARNPLAT = {
        "EVALUATORS": {
            "set": "myproject.evaluators.SetEvaluator",  # add a kind
            "regex": None,                               # remove a built-in
        }
    }

The map is read on every call (``override_settings`` works); each evaluator class is
instantiated once and the instance shared, so evaluators must be stateless.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from learnplat.conf import settings
from learnplat.evaluation.base import EvaluatorProtocol

#: Kind names: they are stored in ``Task.kind`` (50 characters) and appear in URLs and JSON.
KIND_NAME = re.compile(r"[A-Za-z0-9_.-]{1,50}")

_METHODS = ("validate_config", "public_config", "validate_answer", "evaluate")


class UnknownKind(LookupError):
    """No evaluator is configured for this task kind."""

    def __init__(self, kind: object) -> None:
        super().__init__(kind)
        self.kind = kind

    def __str__(self) -> str:
        return f"Unknown task kind {self.kind!r}; available: {', '.join(available_kinds())}."


def evaluator_class_problem(obj: object) -> str | None:
    """Why ``obj`` cannot serve as an evaluator class, or None.

    Any class with the four methods of :class:`EvaluatorProtocol`, a boolean ``is_external``
    and a constructor without arguments will do; subclassing ``Evaluator`` is the easy way.
    """
    if not isinstance(obj, type):
        return f"{obj!r} is not a class."
    missing = [name for name in _METHODS if not callable(getattr(obj, name, None))]
    if missing:
        return f"{obj.__qualname__} has no method {', '.join(missing)}."
    if not isinstance(getattr(obj, "is_external", None), bool):
        return f"{obj.__qualname__}.is_external must be True or False."
    return None


def available_kinds() -> list[str]:
    """The configured task kinds, sorted."""
    return sorted(kind for kind, path in settings.EVALUATORS.items() if path)


def evaluator_choices() -> list[tuple[str, str]]:
    """``(kind, label)`` pairs for choice fields, sorted by kind."""
    return [(kind, getattr(get_evaluator(kind), "label", "") or kind) for kind in available_kinds()]


@lru_cache(maxsize=64)
def _instance(evaluator_class: type[Any]) -> EvaluatorProtocol:
    return evaluator_class()


def get_evaluator(kind: str) -> EvaluatorProtocol:
    """The evaluator of ``kind``; raises :class:`UnknownKind` when none is configured.

    A configured path that cannot be imported raises ``ImportError`` and one that names
    something other than an evaluator class raises ``TypeError``; the system checks
    ``learnplat.E003`` and ``learnplat.E020`` report both at startup.
    """
    path = settings.EVALUATORS.get(kind) if isinstance(kind, str) else None
    if not path:
        raise UnknownKind(kind)
    evaluator_class = settings.import_from(path)
    problem = evaluator_class_problem(evaluator_class)
    if problem:
        raise TypeError(f'LEARNPLAT["EVALUATORS"][{kind!r}]: {problem}')
    return _instance(evaluator_class)

"""Kind → evaluator lookup through ``LEARNPLAT["EVALUATORS"]``::

    LEARNPLAT = {"EVALUATORS": {"python": "myproject.evaluators.PythonEvaluator"}}

Set a kind to ``None`` to remove a built-in one.
"""

from __future__ import annotations

from learnplat.conf import settings
from learnplat.evaluation.base import Evaluator


class UnknownKind(LookupError):
    pass


def available_kinds() -> list[str]:
    return sorted(kind for kind, path in settings.EVALUATORS.items() if path)


def get_evaluator(kind: str) -> Evaluator:
    path = settings.EVALUATORS.get(kind)
    if not path:
        raise UnknownKind(kind)
    evaluator_class: type[Evaluator] = settings.import_from(path)
    return evaluator_class()

"""Strict readers for evaluator configs and JSON answers.

``ConfigFields`` reads a config object field by field and collects every problem, keyed by
field, before raising one :class:`ConfigError`; custom evaluators use it too::

    fields = ConfigFields(config, allowed={"items", "ordered"})
    items = fields.string_list("items", max_items=100, max_item_length=200, max_total_length=5000)
    ordered = fields.boolean("ordered", default=False)
    fields.raise_if_invalid()
    return {"items": items, "ordered": ordered}

Types are checked strictly (``true`` is not a number, ``1`` is not a boolean, ``"3"`` is not
an index). Text must be storable in every supported database: no NUL characters and no lone
surrogates (PostgreSQL's ``jsonb`` rejects both, which would otherwise surface as a 500).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from learnplat.evaluation.exceptions import NON_FIELD_ERRORS, ConfigError

#: Deepest nesting accepted in free-form JSON (answers of manual kinds, grader options);
#: deeper values would hit recursion limits when encoded or stored.
MAX_JSON_DEPTH = 64
_FLOAT_MAX = sys.float_info.max


def is_int(value: object) -> bool:
    """True for JSON integers (``bool`` is an ``int`` subclass in Python but not here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    """True for finite JSON numbers that a float can hold (no bools, NaN, infinities)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, int):
        return abs(value) <= _FLOAT_MAX
    return math.isfinite(value)


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None."""
    if "\x00" in value:
        return _("Text may not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("Text must be valid Unicode (it contains a lone surrogate).")
    return None


def json_problem(value: Any, *, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """Why ``value`` is not plain, storable JSON, or None.

    Walks iteratively so that deeply nested input cannot exhaust the stack.
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, int | float):
            if not is_number(item):
                return _("Numbers must be finite and no larger than about 1.8e308.")
            continue
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return problem
            continue
        if isinstance(item, list | dict):
            if depth >= max_depth:
                return _("JSON may be nested at most %(depth)d levels deep.") % {"depth": max_depth}
            if isinstance(item, dict):
                for key, sub in item.items():
                    if not isinstance(key, str):
                        return _("Object keys must be strings.")
                    problem = text_problem(key)
                    if problem:
                        return problem
                    stack.append((sub, depth + 1))
            else:
                stack.extend((sub, depth + 1) for sub in item)
            continue
        return _("Only JSON values are accepted, not %(type)s.") % {"type": type(item).__name__}
    return None


class ConfigFields:
    """Reads one config object, collecting field errors instead of stopping at the first.

    Each reader returns the value when it is valid and a harmless fallback (the default or
    an empty value) when it is not, so later cross-field checks can run without guards;
    call :meth:`raise_if_invalid` before using the values.
    """

    def __init__(self, config: Any, *, allowed: Iterable[str]) -> None:
        self.errors: dict[str, list[str]] = {}
        self.allowed = frozenset(allowed)
        self.is_object = isinstance(config, dict)
        if not isinstance(config, dict):
            self.data: dict[str, Any] = {}
            self.add_error(NON_FIELD_ERRORS, _("The config must be a JSON object."))
            return
        self.data = config
        for key in config:
            if key not in self.allowed:
                expected = ", ".join(sorted(self.allowed)) or _("no fields")
                self.add_error(
                    str(key), _("Unknown field; expected %(fields)s.") % {"fields": expected}
                )

    # -- errors --------------------------------------------------------------------------

    def add_error(self, name: str, message: str) -> None:
        # A config that is not an object at all gets that one error, not one per field.
        if not self.is_object and self.errors:
            return
        self.errors.setdefault(name, []).append(message)

    def has_error(self, *names: str) -> bool:
        """True when any of ``names`` (or, with no names, any field) has an error."""
        if not names:
            return bool(self.errors)
        return any(name in self.errors for name in names)

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise ConfigError(self.errors)

    # -- readers ---------------------------------------------------------------------------

    def _missing(self, name: str) -> None:
        self.add_error(name, _("This field is required."))

    def boolean(self, name: str, *, default: bool) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            self.add_error(name, _("Must be true or false."))
            return default
        return value

    def number(
        self,
        name: str,
        *,
        default: float | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float:
        """A finite number; required when ``default`` is None."""
        if name not in self.data:
            if default is None:
                self._missing(name)
                return 0.0
            return default
        value = self.data[name]
        if not is_number(value):
            self.add_error(name, _("Must be a finite number."))
            return default if default is not None else 0.0
        if minimum is not None and value < minimum:
            self.add_error(name, _("Must be at least %(min)s.") % {"min": minimum})
        if maximum is not None and value > maximum:
            self.add_error(name, _("Must be at most %(max)s.") % {"max": maximum})
        return value

    def string(
        self,
        name: str,
        *,
        default: str | None = None,
        max_length: int,
        allow_blank: bool = False,
    ) -> str:
        """A string; required when ``default`` is None."""
        if name not in self.data:
            if default is None:
                self._missing(name)
                return ""
            return default
        value = self.data[name]
        problem = self._text_item_problem(value, max_length=max_length, allow_blank=allow_blank)
        if problem:
            self.add_error(name, problem)
            return default or ""
        return value

    def _text_item_problem(self, value: Any, *, max_length: int, allow_blank: bool) -> str | None:
        if not isinstance(value, str):
            return _("Must be a string.")
        if not allow_blank and not value.strip():
            return _("May not be blank.")
        if len(value) > max_length:
            return _("May be at most %(n)d characters long.") % {"n": max_length}
        return text_problem(value)

    def _list(self, name: str, *, min_items: int, max_items: int) -> list[Any] | None:
        if name not in self.data:
            self._missing(name)
            return None
        value = self.data[name]
        if not isinstance(value, list):
            self.add_error(name, _("Must be a list."))
            return None
        if len(value) < min_items:
            self.add_error(name, _("Needs at least %(n)d items.") % {"n": min_items})
            return None
        if len(value) > max_items:
            self.add_error(name, _("May hold at most %(n)d items.") % {"n": max_items})
            return None
        return value

    def string_list(
        self,
        name: str,
        *,
        min_items: int = 1,
        max_items: int,
        max_item_length: int,
        max_total_length: int,
    ) -> list[str]:
        """A required list of non-blank strings within the given size limits."""
        value = self._list(name, min_items=min_items, max_items=max_items)
        if value is None:
            return []
        ok = True
        for index, item in enumerate(value):
            problem = self._text_item_problem(item, max_length=max_item_length, allow_blank=False)
            if problem:
                ok = False
                self.add_error(
                    name, _("Item %(i)d: %(problem)s") % {"i": index, "problem": problem}
                )
        if not ok:
            return []
        if sum(len(item) for item in value) > max_total_length:
            self.add_error(
                name,
                _("All items together may be at most %(n)d characters.") % {"n": max_total_length},
            )
            return []
        return list(value)

    def index_list(self, name: str, *, size: int | None, min_items: int = 1) -> list[int]:
        """A required list of distinct indices into ``size`` items, sorted.

        Pass ``size=None`` when the sequence itself is invalid: only the shape is checked.
        """
        upper = size if size is not None else sys.maxsize
        value = self._list(name, min_items=min_items, max_items=max(upper, min_items))
        if value is None:
            return []
        if not all(is_int(i) and 0 <= i < upper for i in value):
            if size is None:
                message = _("Items must be integers of at least 0.")
            else:
                message = _("Items must be integers from 0 to %(last)d.") % {"last": size - 1}
            self.add_error(name, message)
            return []
        if len(set(value)) != len(value):
            self.add_error(name, _("Each index may appear only once."))
            return []
        return sorted(value)

    def json_object(self, name: str, *, max_bytes: int) -> dict[str, Any]:
        """An optional JSON object (default ``{}``) of at most ``max_bytes`` encoded."""
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            self.add_error(name, _("Must be a JSON object."))
            return {}
        problem = json_problem(value)
        if problem:
            self.add_error(name, problem)
            return {}
        if len(json.dumps(value, ensure_ascii=False).encode()) > max_bytes:
            self.add_error(name, _("May be at most %(n)d bytes of JSON.") % {"n": max_bytes})
            return {}
        return value

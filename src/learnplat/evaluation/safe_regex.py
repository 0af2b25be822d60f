"""Regular expressions that instructors write and students' answers are matched against.

Two guards keep a hostile or careless pattern from tying up a worker:

1. At config validation, :func:`pattern_problem` rejects patterns that do not compile and,
   statically and conservatively, the constructs behind most catastrophic backtracking:
   backreferences and conditionals (``\\1``, ``(?P=name)``, ``(?(1)a|b)``) and a variable
   quantifier inside another repeat (``(a+)+``, ``(\\w+\\.)*``, ``(a{1,3}){2}``). Atomic groups
   and possessive quantifiers cannot be backtracked into, so ``(?>\\w+\\.)+`` and
   ``(\\w++\\.)+`` pass.
2. At evaluation, :func:`fullmatch` runs the third-party ``regex`` engine with a time limit
   (``regex`` can be interrupted; the standard ``re`` cannot), releasing the GIL meanwhile.

Patterns use Python's ``re`` syntax: they must compile with both ``re`` (whose parser the
static check reads) and ``regex``. Settings read (``learnplat.conf.settings``)::

    LEARNPLAT = {
        "REGEX_MAX_PATTERN_LENGTH": 1000,   # characters, checked on config write
        "REGEX_MAX_ANSWER_LENGTH": 10_000,  # characters, checked on submit and evaluation
        "REGEX_TIMEOUT_SECONDS": 1.0,       # per match, at evaluation
    }
"""

from __future__ import annotations

import importlib
import re
import warnings
from collections.abc import Iterable
from functools import reduce
from typing import Any

import regex
from django.utils.translation import gettext as _

# The static check walks the parse tree of the standard library's own regex parser. It is
# internal (``re._parser`` since Python 3.11, without type stubs), so it is loaded by name;
# hypothesis reads the same module for the same reason.
_parser: Any = importlib.import_module("re._parser")
_ops: Any = importlib.import_module("re._constants")

#: Flag names accepted in a regex config, with their ``re`` and ``regex`` values.
FLAGS: dict[str, tuple[int, int]] = {
    "ASCII": (re.ASCII, regex.ASCII),
    "DOTALL": (re.DOTALL, regex.DOTALL),
    "IGNORECASE": (re.IGNORECASE, regex.IGNORECASE),
    "MULTILINE": (re.MULTILINE, regex.MULTILINE),
    "VERBOSE": (re.VERBOSE, regex.VERBOSE),
}

_REPEATS = frozenset({_ops.MAX_REPEAT, _ops.MIN_REPEAT})
_BACKREFERENCES = frozenset({_ops.GROUPREF, _ops.GROUPREF_EXISTS})


def _flag_value(names: Iterable[str], which: int) -> int:
    return reduce(lambda acc, name: acc | FLAGS[name][which], names, 0)


def pattern_problem(pattern: str, flags: Iterable[str] = ()) -> str | None:
    """Why ``pattern`` may not be used, or None. ``flags`` are names from :data:`FLAGS`."""
    flags = list(flags)
    re_flags = _flag_value(flags, 0)
    try:
        # re.compile caches and warns only the first time; the parser warns every time,
        # so warnings are read from it. A warning (e.g. "possible nested set") means the
        # pattern's meaning is ambiguous between engines and versions: reject it.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tree = _parser.parse(pattern, re_flags)
            re.compile(pattern, re_flags)
            regex.compile(pattern, _flag_value(flags, 1))
    except RecursionError:
        return _("The pattern is nested too deeply.")
    except Exception as exc:  # any failure here is the pattern's fault, never a 500
        return _("Invalid regular expression: %(error)s") % {"error": exc}
    if caught:
        return _("Ambiguous regular expression: %(warning)s") % {"warning": caught[0].message}
    return _hazard(tree)


def _hazard(tree: Any) -> str | None:
    """The first construct in a parsed pattern known to cause catastrophic backtracking."""
    # (subpattern, inside a repeat that can run more than once). Iterative: patterns can
    # nest deeply.
    stack: list[tuple[Any, bool]] = [(tree, False)]
    while stack:
        items, in_repeat = stack.pop()
        for op, av in items:
            if op in _BACKREFERENCES:
                return _(
                    "Backreferences and conditionals such as \\1, (?P=name) or (?(1)...) "
                    "are not allowed: they can make matching take exponential time."
                )
            if op in _REPEATS:
                low, high, body = av
                if in_repeat and low != high and high > 1:
                    return _(
                        "Nested quantifiers such as (a+)+ can make matching take exponential "
                        "time. Make the inner part atomic, as in (?>a+)+, or possessive, "
                        "as in (a++)+, or rewrite the pattern without the nesting."
                    )
                stack.append((body, in_repeat or high > 1))
            elif op is _ops.POSSESSIVE_REPEAT:
                # Enclosing repeats cannot backtrack into it; only its own nesting matters.
                low, high, body = av
                stack.append((body, high > 1))
            elif op is _ops.ATOMIC_GROUP:
                stack.append((av, False))
            elif op is _ops.SUBPATTERN:
                stack.append((av[-1], in_repeat))
            elif op is _ops.BRANCH:
                stack.extend((branch, in_repeat) for branch in av[1])
            elif op in (_ops.ASSERT, _ops.ASSERT_NOT):
                stack.append((av[1], in_repeat))
    return None


def fullmatch(pattern: str, flags: Iterable[str], text: str, *, timeout: float) -> bool:
    """Whether all of ``text`` matches ``pattern``; raises ``TimeoutError`` past ``timeout``."""
    compiled = regex.compile(pattern, _flag_value(flags, 1))
    return compiled.fullmatch(text, timeout=timeout, concurrent=True) is not None

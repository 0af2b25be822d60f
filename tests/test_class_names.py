"""No two classes in ``src/learnplat`` share a name, so a name finds one class.

Exempt are the names Django looks up by convention: ``Migration`` in migrations, ``Command``
in management commands, and nested ``Meta`` options.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import learnplat

SOURCE = Path(learnplat.__file__).parent


def _exempt(name: str, path: Path, nested: bool) -> bool:
    parts = path.relative_to(SOURCE).parts
    return (
        (nested and name == "Meta")
        or (name == "Migration" and "migrations" in parts)
        or (name == "Command" and parts[-3:-1] == ("management", "commands"))
    )


def class_names() -> dict[str, list[str]]:
    found: defaultdict[str, list[str]] = defaultdict(list)
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and not _exempt(
                node.name, path, nested=id(node) not in top_level
            ):
                found[node.name].append(str(path.relative_to(SOURCE)))
    return found


def test_no_two_classes_share_a_name() -> None:
    names = class_names()
    assert "LearnplatError" in names  # the walk sees the package
    duplicates = {name: paths for name, paths in names.items() if len(paths) > 1}
    assert duplicates == {}

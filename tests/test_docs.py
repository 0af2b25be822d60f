"""The documentation keeps up with the code: every setting has its section."""

from __future__ import annotations

import re
from pathlib import Path

from learnplat.conf import DEFAULTS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_learnplat_setting_has_a_section_in_settings_md() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^### `([A-Z0-9_]+)`", text, flags=re.MULTILINE))
    summary = set(re.findall(r"^\| \[`([A-Z0-9_]+)`\]\(#", text, flags=re.MULTILINE))
    assert set(DEFAULTS) - sections == set(), "missing sections in docs/settings.md"
    assert set(DEFAULTS) - summary == set(), "missing rows in the table of docs/settings.md"
    assert sections - set(DEFAULTS) == set(), "docs/settings.md documents unknown keys"


def test_every_nested_setting_key_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    # Maps of settings (EVALUATION) have upper-case keys; maps of data (EVALUATORS) do not.
    for key, default in DEFAULTS.items():
        if isinstance(default, dict) and all(sub.isupper() for sub in default):
            for sub_key in default:
                assert f"| `{sub_key}` |" in text, f"{key}[{sub_key!r}] is not documented"


_KEY_TABLE_HEADER = "| key | endpoint | default permissions | default serializer |"


def _documented_keys() -> dict[str, tuple[list[str], str, list[str], str | None]]:
    """key -> (methods, path, permission class names, serializer class name or None), from
    every table of docs/permissions.md with the key table's header."""
    rows: dict[str, tuple[list[str], str, list[str], str | None]] = {}
    in_table = False
    for line in (DOCS / "permissions.md").read_text(encoding="utf-8").splitlines():
        if line.strip() == _KEY_TABLE_HEADER:
            in_table = True
            continue
        if not in_table or line.startswith("| ---"):
            continue
        if not line.startswith("|"):
            in_table = False
            continue
        key_cell, endpoint, permissions, serializer = (
            cell.strip() for cell in line.strip().strip("|").split("|")
        )
        key = key_cell.strip("`")
        assert key not in rows, f"{key} is documented twice"
        methods_text, path = re.fullmatch(r"([A-Z, ]+) `([^`]+)`", endpoint).groups()  # type: ignore[union-attr]
        # Remarks in parentheses may name codes or classes in backticks: only what is before.
        permission_names = re.findall(r"`(\w+)`", permissions.split("(")[0])
        named = re.match(r"`([\w.]+)`", serializer)
        rows[key] = (
            [m.strip() for m in methods_text.split(",")],
            path,
            permission_names,
            named[1].rsplit(".", 1)[-1] if named else None,
        )
    return rows


def test_the_key_tables_of_permissions_md_match_the_registry() -> None:
    from learnplat.keys import class_name, override_keys

    documented = _documented_keys()
    registry = override_keys()
    assert set(registry) - set(documented) == set(), "keys missing in docs/permissions.md"
    assert set(documented) - set(registry) == set(), "docs/permissions.md lists unknown keys"
    for key, (methods, path, permissions, serializer) in documented.items():
        entry = registry[key]
        assert list(entry.methods) == methods, key
        assert list(entry.paths) == [path], key
        assert [class_name(p) for p in entry.permissions] == permissions, key
        expected = entry.serializer.__name__ if entry.serializer is not None else None
        assert serializer == expected, key


def test_every_adapter_method_is_described_in_adapter_md() -> None:
    from learnplat.adapter import DefaultAdapter

    text = (DOCS / "adapter.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `([a-z_]+)`", text, flags=re.MULTILINE))
    documented |= set(re.findall(r"^\| `([a-z_]+)\(", text, flags=re.MULTILINE))
    methods = {name for name in vars(DefaultAdapter) if not name.startswith("_")}
    assert methods - documented == set(), "undocumented adapter methods in docs/adapter.md"

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


def test_every_adapter_method_is_described_in_adapter_md() -> None:
    from learnplat.adapter import DefaultAdapter

    text = (DOCS / "adapter.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `([a-z_]+)`", text, flags=re.MULTILINE))
    documented |= set(re.findall(r"^\| `([a-z_]+)\(", text, flags=re.MULTILINE))
    methods = {name for name in vars(DefaultAdapter) if not name.startswith("_")}
    assert methods - documented == set(), "undocumented adapter methods in docs/adapter.md"

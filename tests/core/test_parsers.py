from __future__ import annotations

import io

import pytest
from rest_framework.exceptions import ParseError

from learnplat.parsers import JSONParser


def test_absurdly_deep_json_is_a_parse_error_not_a_recursion_error() -> None:
    depth = 200_000
    body = ("[" * depth + "]" * depth).encode()
    with pytest.raises(ParseError, match="nesting too deep"):
        JSONParser().parse(io.BytesIO(body), "application/json", {})


def test_ordinary_json_still_parses() -> None:
    assert JSONParser().parse(io.BytesIO(b'{"a": [1, 2]}'), "application/json", {}) == {"a": [1, 2]}

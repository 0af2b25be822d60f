"""ORJSONRenderer writes what DRF's JSONRenderer writes (same JSON value, same formatting of
dates, decimals, lazy strings), only faster."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer

from learnplat.conf import DEFAULTS
from learnplat.renderers import ORJSONRenderer

UTC = dt.UTC


def both(data: Any, media_type: str = "application/json") -> tuple[bytes, bytes]:
    return (
        ORJSONRenderer().render(data, media_type, {}),
        JSONRenderer().render(data, media_type, {}),
    )


@pytest.mark.parametrize(
    "data",
    [
        {"when": dt.datetime(2025, 3, 1, 12, 30, tzinfo=UTC)},
        {"when": dt.datetime(2025, 3, 1, 12, 30, 5, 123456, tzinfo=UTC)},
        {"when": dt.datetime(2025, 3, 1, 12, 30, tzinfo=ZoneInfo("Europe/Vienna"))},
        {"day": dt.date(2025, 3, 1)},
        {"price": Decimal("1.50")},
        {"id": uuid.UUID("12345678-1234-5678-1234-567812345678")},
        {"label": gettext_lazy("Draft")},
        {"nested": [{"a": 1, "b": [1.5, None, True]}], "text": "Grüße ✓"},
        {1: "int keys become strings"},
        [],
    ],
)
def test_same_json_value_as_drf(data: Any) -> None:
    fast, drf = both(data)
    assert json.loads(fast) == json.loads(drf)


def test_utc_datetimes_end_in_z_like_drf() -> None:
    fast, drf = both({"when": dt.datetime(2025, 3, 1, 12, 30, 5, 1000, tzinfo=UTC)})
    assert fast == b'{"when":"2025-03-01T12:30:05.001000Z"}'
    assert json.loads(drf)["when"] == "2025-03-01T12:30:05.001000Z"


def test_none_renders_an_empty_body() -> None:
    assert ORJSONRenderer().render(None) == b""


def test_line_separators_are_escaped_like_drf() -> None:
    fast, drf = both({"text": "a\u2028b\u2029c"})
    assert fast == b'{"text":"a\\u2028b\\u2029c"}'
    assert fast == drf


def test_integers_beyond_64_bits_fall_back_to_drf() -> None:
    # A student's JSON answer may hold any integer json.loads accepted.
    huge = 2**80
    fast, drf = both({"answer": huge})
    assert fast == drf
    assert json.loads(fast) == {"answer": huge}


def test_indent_parameter_falls_back_to_drf() -> None:
    fast, drf = both({"a": [1, 2]}, "application/json; indent=2")
    assert fast == drf
    assert b"\n  " in fast


def test_is_the_default_with_the_browsable_api_second() -> None:
    assert DEFAULTS["RENDERER_CLASSES"] == [
        "learnplat.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_any_json_value_round_trips_like_drf(value: Any) -> None:
    fast, drf = both({"value": value})
    assert json.loads(fast) == json.loads(drf)

"""Response renderers of every learnplat view (``LEARNPLAT["RENDERER_CLASSES"]``, else the
host's ``REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"]``).

The fallback puts :class:`ORJSONRenderer` first and DRF's browsable API second::

    LEARNPLAT = {"RENDERER_CLASSES": [
        "learnplat.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ]}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_ORJSON_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS
# JSON allows U+2028/U+2029 raw, JavaScript string literals before ES2019 do not; DRF escapes
# them so a response can be pasted into a <script>, and so does this renderer.
_LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))
_drf_encoder = JSONEncoder()


class ORJSONRenderer(JSONRenderer):
    """DRF's ``JSONRenderer`` with the same output, encoded by orjson.

    Encoding is most of the cost of a large list response: orjson is several times faster
    than ``json.dumps`` with DRF's encoder. Everything orjson cannot encode the same way
    (integers beyond 64 bits, which students can put in a JSON answer; an ``?indent=``
    media type parameter; types only DRF's encoder knows) goes through DRF's renderer, so
    clients see no difference but speed.
    """

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            rendered = orjson.dumps(data, default=_drf_encoder.default, option=_ORJSON_OPTIONS)
        except (orjson.JSONEncodeError, TypeError, ValueError):
            return super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in _LINE_SEPARATORS:
            if raw in rendered:
                rendered = rendered.replace(raw, escaped)
        return rendered

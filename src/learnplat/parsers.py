"""The JSON parser of learnplat's views (``LEARNPLAT["PARSER_CLASSES"]``, else the host's
``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``, in which ``learnplat.api`` swaps DRF's
``JSONParser`` for this one)."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser


class JSONParser(DRFJSONParser):
    """DRF's JSON parser that also turns absurdly deep nesting into a 400.

    ``json.loads`` raises ``RecursionError`` (not ``ValueError``) on a body nested some
    100,000 levels deep, which DRF's parser lets through as a 500.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nesting too deep.") from exc

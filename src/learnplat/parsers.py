"""Request parsers (``LEARNPLAT["PARSER_CLASSES"]``)."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, but JSON nested deeper than Python can follow is a 400, not a 500.

    ``json.load`` raises ``RecursionError`` (not ``ValueError``) for a body such as
    ``[[[[...]]]]`` a few thousand levels deep, which DRF would let through as a server error.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - the document is nested too deeply.") from exc

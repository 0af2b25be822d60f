"""Logging pieces for the host's ``LOGGING``: the context filter and two formatters.

learnplat logs through the standard library (loggers ``learnplat.*``), so a host's existing
configuration applies; these classes add what an operator needs to follow one submission:

- :class:`ContextFilter` copies ``request_id``, ``user_id``, ``course`` and ``submission_id``
  from :mod:`learnplat.context` onto every record (``None`` when unknown), so any formatter
  can print them (``%(request_id)s``).
- :class:`JSONFormatter`: one JSON object per line, for production log pipelines.
- :class:`ConsoleFormatter`: one readable line, for development.

Only the message, its level, logger and time, the context fields and a traceback are written:
a record's other attributes (an answer, a token) are never serialised. Messages are built by
learnplat's own code, which logs ids, never answers, tokens, passwords or grader secrets
(tests/core/test_logs.py runs a full flow under a capturing handler to hold it to that).
Newlines and control characters in a message are escaped, so one record is always one line.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from learnplat import context


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        values = context.current()
        for name in context.FIELDS:
            if not hasattr(record, name):
                setattr(record, name, values.get(name))
        return True


def _one_line(text: str) -> str:
    # json.dumps escapes every control character; drop its quotes for the console.
    return json.dumps(text, ensure_ascii=False)[1:-1]


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in context.FIELDS:
            value = getattr(record, name, None)
            if value is None:
                value = context.get(name)
            if value is not None:
                data[name] = value
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class ConsoleFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(
            f"{name}={value}"
            for name in context.FIELDS
            if (value := getattr(record, name, None) or context.get(name)) is not None
        )
        line = (
            f"{datetime.fromtimestamp(record.created).strftime('%H:%M:%S')} "
            f"{record.levelname:<7} {record.name}: {_one_line(record.getMessage())}"
        )
        if fields:
            line = f"{line} [{fields}]"
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line

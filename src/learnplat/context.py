"""What the current request or background task is about, for logs (and, later, traces).

One :class:`contextvars.ContextVar` holds a small dict: ``request_id`` (set by
:class:`learnplat.middleware.RequestIDMiddleware`, or carried into an evaluation task), and
``user_id``, ``course`` and ``submission_id`` as the request learns them. Context variables
follow the request through sync and async code and never leak between threads or requests.
:class:`learnplat.logs.ContextFilter` copies them onto every log record.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

#: The fields a log record may carry; anything else given to :func:`bind` is ignored, so a
#: caller cannot put an answer or a token into the logs through the context.
FIELDS = ("request_id", "user_id", "course", "submission_id")

_context: ContextVar[dict[str, Any] | None] = ContextVar("learnplat_context", default=None)

#: A request id we keep as sent: short, printable, no spaces or control characters (so it can
#: neither flood nor forge log lines). Anything else is replaced by a new id.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def sane_request_id(value: str | None) -> str:
    """``value`` when it is a sane request id, else a new one."""
    if value and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return new_request_id()


def current() -> dict[str, Any]:
    """A copy of the current context (empty outside any request or task)."""
    return dict(_context.get() or {})


def get(name: str) -> Any:
    return (_context.get() or {}).get(name)


def bind(**fields: Any) -> None:
    """Add ``fields`` to the current context (for the rest of the request or task)."""
    values = {name: value for name, value in fields.items() if name in FIELDS}
    if values:
        _context.set({**(_context.get() or {}), **values})


@contextmanager
def scope(**fields: Any) -> Iterator[None]:
    """The current context plus ``fields`` for the ``with`` block; the old one after it."""
    values = {name: value for name, value in fields.items() if name in FIELDS}
    token = _context.set({**(_context.get() or {}), **values})
    try:
        yield
    finally:
        _context.reset(token)

"""A plain text progress bar for management commands (no dependency, any stream).

::

    bar = ProgressBar("Recomputing", stream=self.stderr)
    for done in range(total + 1):
        bar(done, total)
    # Recomputing [##########----------]  50% 500/1000

On a terminal the bar redraws in place; elsewhere (a log file) it writes a line at each
tenth, so logs stay readable.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import OutputWrapper


class ProgressBar:
    """Call it with ``(done, total)``; it draws when the shown value changes."""

    def __init__(self, label: str, *, stream: Any, width: int = 30) -> None:
        self.label = label
        self.stream = stream
        # A command's self.stderr would end every write with a newline, breaking the redraw.
        self._write = (
            (lambda text: stream.write(text, ending=""))
            if isinstance(stream, OutputWrapper)
            else stream.write
        )
        self.width = width
        self._shown: tuple[int, int] | None = None
        isatty = getattr(stream, "isatty", None)
        self.interactive = bool(isatty and isatty())

    def __call__(self, done: int, total: int) -> None:
        steps = self.width if self.interactive else 10
        step = steps if total <= 0 else min(steps, done * steps // total)
        key = (step, done) if self.interactive else (step, 0)
        if key == self._shown:
            return
        self._shown = key
        filled = self.width if total <= 0 else min(self.width, done * self.width // total)
        percent = 100 if total <= 0 else min(100, done * 100 // total)
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"{self.label} [{bar}] {percent:3d}% {done}/{total}"
        finished = done >= total
        if self.interactive:
            self._write("\r" + line + ("\n" if finished else ""))
        else:
            self._write(line + "\n")
        flush = getattr(self.stream, "flush", None)
        if flush:
            flush()

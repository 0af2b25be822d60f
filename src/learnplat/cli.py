"""Helpers of learnplat's management commands."""

from __future__ import annotations

from typing import Protocol


class Stream(Protocol):
    def write(self, text: str) -> object: ...

    def flush(self) -> object: ...


class ProgressBar:
    """A one-line text progress bar: ``Regrading [#######.......] 450/1000``.

    On a terminal it redraws in place; otherwise (logs, CI) it prints a line at each 10 %.
    ``quiet`` turns it off.
    """

    width = 30

    def __init__(self, stream: Stream, label: str, *, quiet: bool = False) -> None:
        self.stream = stream
        self.label = label
        self.quiet = quiet
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last_decile = -1

    def update(self, done: int, total: int) -> None:
        if self.quiet:
            return
        fraction = done / total if total else 1.0
        filled = int(self.width * fraction)
        line = f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}"
        if self.tty:
            self.stream.write("\r" + line)
            self.stream.flush()
            return
        decile = int(fraction * 10)
        if decile != self._last_decile:
            self._last_decile = decile
            self.stream.write(line + "\n")

    def finish(self) -> None:
        if self.tty and not self.quiet:
            self.stream.write("\n")

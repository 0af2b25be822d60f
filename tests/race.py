"""Run callables in threads released together, for the races only PostgreSQL can show.

Each thread waits at one barrier, so the calls reach the database at the same moment; each
has its own database connection (Django opens one per thread) and closes it at the end, so
none is left open against the test database. A call's return value or exception is kept
per thread, in call order::

    outcomes = race(*[lambda: submit(user=u, task=t, answer="4")] * 8)
    assert sorted(o.error.code if o.error else "created" for o in outcomes) == [...]
    values = race(a, b).values()   # every result; re-raises the first exception

The tests need ``django_db(transaction=True)``: the threads see only committed rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections

#: Seconds a thread waits for the others at the barrier, and the race for its threads.
TIMEOUT = 60.0


@dataclass(frozen=True)
class Outcome:
    """What one call did: returned ``value``, or raised ``error``."""

    value: Any = None
    error: BaseException | None = None

    def get(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


class Outcomes(list[Outcome]):
    def values(self) -> list[Any]:
        """Every call's value, in call order; re-raises the first exception raised."""
        return [outcome.get() for outcome in self]

    def errors(self) -> list[BaseException]:
        return [outcome.error for outcome in self if outcome.error is not None]


def race(*calls: Callable[[], Any]) -> Outcomes:
    """Run ``calls`` in one thread each, all released at once; their outcomes in order."""
    if len(calls) < 2:
        raise ValueError("a race needs at least two calls")
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT)
    outcomes: list[Outcome | None] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            # Connect before the barrier: opening a connection takes milliseconds, enough
            # to run the calls one after another instead of at once.
            connections["default"].ensure_connection()
            barrier.wait()
            outcomes[index] = Outcome(value=call())
        except BaseException as exc:  # kept for the test, which decides what is expected
            outcomes[index] = Outcome(error=exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    if any(thread.is_alive() for thread in threads):
        raise TimeoutError(f"a racing call did not finish in {TIMEOUT:.0f} s (a deadlock?)")
    return Outcomes(outcome for outcome in outcomes if outcome is not None)

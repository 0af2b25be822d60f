"""Every write learnplat makes, one module per use case.

Views, serializers, the admin, management commands and tasks call these functions and
nothing else that writes. Each is keyword-only and atomic; flows call one another and the
apps' models directly (never through signals), and send the host's public signals on commit
through :mod:`learnplat.signals`.

==========================  ===============================================================
``flows.accounts``           registration, logging in and out, tokens, profile, password, access
``flows.enrollment``         enroll, drop, staff adding or changing members
``flows.authoring``          courses and tasks: create, change, publish, archive, delete
``flows.grading_config``     assignment groups, and ``grading_changed`` after any grading change
``flows.deadlines``          extensions, and the lateness of past work when deadlines change
``flows.submit``             ``submit()``: a student's answer, checked and queued
``flows.evaluate``           enqueue, run the evaluator, record the outcome, retry, sweep
``flows.grading``            staff grades and overrides, regrades, requeues
``flows.regrade_requests``   students asking for a regrade, staff answering (→ ``grading``)
``flows.graders``            external graders: tokens, handing out work, recording results
``flows.progress``           progress upkeep after every grade, and full recomputes
``flows.history``            the grade history: one entry per change of a counted score
``flows.release``            releasing a task's scores to its students
``flows.notify``             notifications of grades and deadlines, preferences, their e-mail
==========================  ===============================================================

Dependencies between flows run one way: ``progress`` ← ``evaluate`` ← ``submit`` ←
``grading``; ``graders`` → ``evaluate``; ``authoring`` → ``deadlines``; ``authoring`` →
``grading_config`` → ``progress``; ``deadlines`` → ``progress``; ``progress`` → ``history``
and ``notify``; ``release`` → ``notify``.

Flows name every input as a keyword-only parameter, never ``**fields``; updates default each
one to :data:`NOT_GIVEN` ("leave it as it is"). What a host serializer adds beyond them
arrives as ``extra`` and goes to the adapter's ``save_extra()`` in the same transaction.
"""

from __future__ import annotations

import enum
from typing import Any, Final, Literal


class _NotGiven(enum.Enum):
    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"


#: The default of an optional flow argument: "not given", unlike ``None``, a real value.
NOT_GIVEN: Final = _NotGiven.NOT_GIVEN
NotGiven = Literal[_NotGiven.NOT_GIVEN]


def given(**values: Any) -> dict[str, Any]:
    """The arguments that were given: ``values`` without those left at :data:`NOT_GIVEN`."""
    return {name: value for name, value in values.items() if value is not NOT_GIVEN}

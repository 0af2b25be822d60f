"""The outbox sink that sends xAPI statements: ``name = "xapi"``, one target (``""``).

Each ``submission.created``, ``submission.graded`` and ``course.completed`` event gets one
``Delivery`` while ``XAPI["ENDPOINT"]`` is set (none while it is empty: the app is then
inert, and ``learnplat_xapi.W001`` says so). Delivering builds the event's statements
(:mod:`learnplat.xapi.statements`) and POSTs them in one request (:mod:`learnplat.xapi.client`):
the outbox retries with its backoff what the LRS did not take, and marks ``failed`` at once
what it refused (400, 409, 413, 422).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from learnplat.conf import settings
from learnplat.events.sinks import DeliveryOutcome
from learnplat.xapi.client import post_statements
from learnplat.xapi.statements import EVENT_TYPES, build_statements

if TYPE_CHECKING:
    from learnplat.events.models import Delivery, Event

SINK_NAME = "xapi"


class XapiSink:
    """Statements to the one LRS ``LEARNPLAT["XAPI"]`` names."""

    name = SINK_NAME

    def targets(self, event: Event) -> list[str]:
        if event.type not in EVENT_TYPES or not settings.XAPI["ENDPOINT"]:
            return []
        return [""]

    def deliver(self, delivery: Delivery) -> DeliveryOutcome:
        statements = build_statements(delivery.event)
        if not statements:
            # A graded event with neither a score nor a pass mark says nothing to an LRS.
            return DeliveryOutcome(ok=True)
        return post_statements(statements)


xapi_sink = XapiSink()

"""Where events go: the :class:`Sink` protocol and the registry of sinks.

A sink turns an event into requests to one kind of receiver. The outbox asks each sink
for the *targets* of an event (one ``Delivery`` row per target key; ``""`` when the sink has
one receiver), then hands each due delivery to the sink's :meth:`Sink.deliver`, which sends
it and says what happened; the outbox records the outcome, schedules the retry or gives up.

The webhook sink (:mod:`learnplat.events.webhooks`) is always listed. Optional apps add
theirs in ``AppConfig.ready()``::

    from learnplat.events.sinks import register_sink

    class XapiConfig(AppConfig):
        def ready(self) -> None:
            register_sink(XapiSink())

A sink's ``deliver`` never raises for network errors (it returns an outcome with
``ok=False``); an exception it does raise is recorded as a failed attempt and retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from learnplat.events.models import Delivery, Event


@dataclass(frozen=True)
class DeliveryOutcome:
    """What one attempt of one delivery came to."""

    ok: bool
    status_code: int | None = None
    error: str = ""
    #: False: give up now (the delivery becomes ``failed`` without further tries).
    retry: bool = True
    #: True: the receiver asked never to be called again (a webhook answering 410).
    disable_target: bool = False


@runtime_checkable
class Sink(Protocol):
    """A kind of receiver events are delivered to."""

    #: Stored on each Delivery row: ``"webhook"``, ``"xapi"``, ``"lti_ags"``.
    name: str

    def targets(self, event: Event) -> list[str]:
        """The target keys ``event`` goes to (one Delivery each); empty: not for this sink."""
        ...

    def deliver(self, delivery: Delivery) -> DeliveryOutcome:
        """Send ``delivery.event`` to ``delivery.target`` once and say what happened."""
        ...


_registered: dict[str, Sink] = {}


def register_sink(sink: Sink) -> None:
    """Add ``sink`` (or replace the sink of the same name); idempotent, for ``ready()``."""
    _registered[sink.name] = sink


def unregister_sink(name: str) -> None:
    """Remove a registered sink (tests that register one of their own clean up with it)."""
    _registered.pop(name, None)


def get_sinks() -> list[Sink]:
    """Every sink: the webhook sink first, then the registered ones in registration order."""
    from learnplat.events.webhooks import webhook_sink

    return [
        webhook_sink,
        *(sink for name, sink in _registered.items() if name != webhook_sink.name),
    ]


def get_sink(name: str) -> Sink | None:
    return next((sink for sink in get_sinks() if sink.name == name), None)

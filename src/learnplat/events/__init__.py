"""The transactional outbox and signed webhooks (docs/events.md, docs/webhooks.md).

- :mod:`learnplat.events.outbox`: :func:`~learnplat.events.outbox.record_event`, which the
  flows call in the transaction of the change an event describes;
- :mod:`learnplat.events.sinks`: the :class:`~learnplat.events.sinks.Sink` protocol and the
  registry every sink (webhooks here; xAPI and LTI AGS in their optional apps) is listed in;
- :mod:`learnplat.events.webhooks`: the webhook sink (Standard Webhooks signatures, URL rules).
"""

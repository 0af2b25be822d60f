"""xAPI statements to a Learning Record Store, from the outbox (docs/xapi.md).

An optional app: ``INSTALLED_APPS += ["learnplat.events", "learnplat.xapi"]`` and
``pip install learnplat[xapi]``. It registers the ``xapi`` sink with the outbox, which turns
``submission.created``, ``submission.graded`` and ``course.completed`` events into
statements (attempted, scored, passed/failed, completed) and POSTs them to the LRS, retried
by the outbox until the LRS takes them. It reads ``LEARNPLAT["XAPI"]``::

    LEARNPLAT = {
        "XAPI": {
            "ENDPOINT": "https://lrs.example.com/xAPI/",
            "USERNAME": "learnplat",
            "PASSWORD": env("LRS_PASSWORD"),
            "ACTOR_HOMEPAGE": "https://learn.example.com",
            "ACTIVITY_BASE": "https://learn.example.com/xapi",
        }
    }

Nothing else in learnplat imports this package.
"""

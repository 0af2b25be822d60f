"""Every write learnplat makes, one module per use case.

Views, serializers, the admin, management commands and tasks call these functions and
nothing else that writes. Each is keyword-only and atomic; flows call one another and the
apps' models directly (never through signals), and send the host's public signals on commit
through :mod:`learnplat.signals`.

==========================  ===============================================================
``flows.accounts``           registration, logging in and out, tokens, profile, password, access
``flows.enrollment``         enroll, drop, staff adding or changing members
``flows.authoring``          courses and tasks: create, change, publish, archive, delete
``flows.deadlines``          extensions, and the lateness of past work when they change
``flows.submit``             ``submit()``: a student's answer, checked and queued
``flows.evaluate``           enqueue, run the evaluator, record the outcome, retry, sweep
``flows.grading``            staff grades and overrides, regrades, requeues
``flows.graders``            external graders: tokens, handing out work, recording results
``flows.progress``           progress upkeep after every grade, and full recomputes
==========================  ===============================================================

Dependencies between flows run one way: ``progress`` ← ``evaluate`` ← ``submit`` ←
``grading``; ``graders`` → ``evaluate``; ``deadlines`` and ``authoring`` → ``progress``.
"""

"""Settings of the server the live hardening runs (fuzzing, faults) talk to: the example
project's production settings exactly, loopback over plain HTTP, throttles as shipped.

Only the access-token lifetime is longer, so a run that outlasts five minutes keeps its
tokens; the soak run uses ``benchmarks.settings`` instead, whose throttles are off.
"""

from __future__ import annotations

from datetime import timedelta

from config import settings as example

from benchmarks.settings import *  # noqa: F403

ROOT_URLCONF = example.ROOT_URLCONF
MIDDLEWARE = example.MIDDLEWARE
LEARNPLAT = example.LEARNPLAT
SIMPLE_JWT = {**example.SIMPLE_JWT, "ACCESS_TOKEN_LIFETIME": timedelta(hours=2)}

"""Settings of the server the live hardening runs (fuzzing, faults) talk to: the example
project's production settings exactly, loopback over plain HTTP, throttles as shipped.

Only the access-token lifetime is longer, so a run that outlasts five minutes keeps its
tokens; ``HARDENING_THROTTLES=off`` (the soak) turns the submit and token throttles off.
"""

from __future__ import annotations

import os
from datetime import timedelta

from benchmarks.settings import *  # noqa: F403
from benchmarks.settings import example

ROOT_URLCONF = example.ROOT_URLCONF
MIDDLEWARE = example.MIDDLEWARE
LEARNPLAT = example.LEARNPLAT
SIMPLE_JWT = {**example.SIMPLE_JWT, "ACCESS_TOKEN_LIFETIME": timedelta(hours=2)}
if os.environ.get("HARDENING_THROTTLES") == "off":
    # The soak sends far more from a few students than any throttle lets through.
    LEARNPLAT = {**LEARNPLAT, "THROTTLE_RATES": {"learnplat_submit": None, "learnplat_token": None}}
if os.environ.get("HARDENING_STALE_QUEUED_SECONDS"):
    # The Redis fault run re-enqueues what Redis lost without waiting five minutes.
    LEARNPLAT = {
        **LEARNPLAT,
        "EVALUATION": {"STALE_QUEUED_SECONDS": float(os.environ["HARDENING_STALE_QUEUED_SECONDS"])},
    }

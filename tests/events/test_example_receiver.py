"""docs/webhooks.md's receiver (tests/events/example_receiver.py), run as its own process
against real deliveries: it verifies them, refuses a forged one and handles a repeat once."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from learnplat.events.models import Delivery
from learnplat.events.outbox import record_event
from learnplat.events.webhooks import new_secret
from learnplat.flows import webhooks

EXAMPLE = Path(__file__).with_name("example_receiver.py")
pytestmark = pytest.mark.django_db


@pytest.fixture
def example(learnplat_settings: Any) -> Iterator[tuple[str, str, subprocess.Popen[str]]]:
    learnplat_settings(WEBHOOKS={"ALLOW_PRIVATE_URLS": True})
    secret = new_secret()
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and the documented script)
        [sys.executable, str(EXAMPLE), "0"],
        env={"WEBHOOK_SECRET": secret, "PATH": ""},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().split()[-1])
        yield f"http://127.0.0.1:{port}/", secret, process
    finally:
        process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_the_documented_receiver_verifies_and_deduplicates(
    example: tuple[str, str, subprocess.Popen[str]], django_capture_on_commit_callbacks: Any
) -> None:
    url, secret, process = example
    endpoint = webhooks.create_endpoint(url=url, secret=secret)
    with django_capture_on_commit_callbacks(execute=True):
        event = record_event("course.completed", {"course": "intro", "user": 7})
    delivery = Delivery.objects.get(event=event)
    assert (delivery.status, delivery.last_status_code) == ("delivered", 204)
    # A repeat (a retry, a replay) is answered 2xx and handled once.
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.replay_delivery(delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    # A forged request is refused.
    forged = requests.post(
        url,
        data=json.dumps(event.envelope()),
        headers={"webhook-id": event.id, "webhook-timestamp": "1", "webhook-signature": "v1,x"},
        timeout=5,
    )
    assert forged.status_code == 400
    # Another secret: the receiver refuses learnplat's signature, learnplat retries.
    webhooks.update_endpoint(endpoint=endpoint, secret=new_secret())
    with django_capture_on_commit_callbacks(execute=True):
        refused = record_event("course.completed", {"course": "intro", "user": 8})
    assert Delivery.objects.get(event=refused).last_status_code == 400
    process.kill()
    assert process.stdout is not None
    lines = process.stdout.read().splitlines()
    assert lines == [f'course.completed {event.id} {{"course": "intro", "user": 7}}']

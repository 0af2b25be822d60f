"""The real webhook receiver process and endpoints aimed at it; test modules import the
fixtures (``from tests.events.peers import endpoint, private_urls, receiver``)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from learnplat.events.webhooks import new_secret

RECEIVER = Path(__file__).with_name("receiver.py")


@dataclass
class Receiver:
    """A running ``receiver.py``: its URLs, the secrets it verifies with, what it got."""

    port: int
    log: Path
    secrets_file: Path

    def url(self, path: str = "/ok") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def trust(self, *secrets: str) -> None:
        self.secrets_file.write_text("\n".join(secrets))

    def records(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def ids(self) -> list[str]:
        return [record["id"] for record in self.records()]


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    log, secrets_file = tmp_path / "received.jsonl", tmp_path / "secrets"
    secrets_file.write_text("")
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and receiver)
        [sys.executable, str(RECEIVER), str(log), str(secrets_file)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("PORT "), line
        yield Receiver(port=int(line.split()[1]), log=log, secrets_file=secrets_file)
    finally:
        process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture
def private_urls(learnplat_settings: Any) -> None:
    """The receiver listens on loopback, which production settings refuse."""
    learnplat_settings(WEBHOOKS={"ALLOW_PRIVATE_URLS": True})


@pytest.fixture
def endpoint(receiver: Receiver, private_urls: None) -> Any:
    """An active endpoint for every event type, at the receiver's ``/ok``, trusted by it."""
    from learnplat.flows.webhooks import create_endpoint

    secret = new_secret()
    receiver.trust(secret)
    return create_endpoint(url=receiver.url("/ok"), secret=secret)

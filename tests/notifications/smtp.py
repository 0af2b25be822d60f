"""A real SMTP server (aiosmtpd in a thread, on a free port) and the settings that point
Django's SMTP backend at it: ``MAILERS`` on Django 6.1+, the ``EMAIL_*`` settings before."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

import django
import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def smtp_settings(port: int, *, host: str = HOST, timeout: float = 10) -> dict[str, Any]:
    """Settings that send every e-mail through the SMTP server at ``host:port``."""
    if django.VERSION >= (6, 1):
        options = {"host": host, "port": port, "timeout": timeout}
        return {"MAILERS": {"default": {"BACKEND": SMTP_BACKEND, "OPTIONS": options}}}
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": host,
        "EMAIL_PORT": port,
        "EMAIL_TIMEOUT": timeout,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    """What the server accepted: envelope sender, recipients and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: Message


@dataclass
class Inbox:
    port: int
    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            Received(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                message=email.message_from_bytes(envelope.original_content),
            )
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Inbox]:
    """A running SMTP server that Django sends to; its ``messages`` are what it received."""
    inbox = Inbox(port=free_port())
    controller = Controller(inbox, hostname=HOST, port=inbox.port)
    controller.start()
    for name, value in smtp_settings(inbox.port).items():
        setattr(settings, name, value)
    try:
        yield inbox
    finally:
        controller.stop()

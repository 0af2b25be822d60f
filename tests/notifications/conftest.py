"""Fixtures of the notifications tests: the real SMTP server (tests/notifications/smtp.py)."""

from tests.notifications.smtp import smtp_server

__all__ = ["smtp_server"]

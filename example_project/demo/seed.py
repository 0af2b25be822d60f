"""The demo data that ``python manage.py seed_demo`` creates, one function per part.

Each part receives the :class:`DemoData` built by the parts before it (``data.users["instructor"]``)
and adds its own rows. To add a part, write ``def seed_<thing>(data: DemoData) -> None`` and
append it to :data:`PARTS`. Every part must be idempotent: look rows up by a natural key
(username, slug, title) and update them, so running the command twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from learnplat.roles import Role


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    first_name: str
    last_name: str
    is_superuser: bool = False

    @property
    def password(self) -> str:
        # Known on purpose: the demo prints it and the README shows it. seed_demo refuses
        # to run with DEBUG off unless told to.
        return f"{self.username}-demo-pass"

    @property
    def email(self) -> str:
        return f"{self.username}@demo.learnplat.invalid"


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", Role.ADMIN, "Ada", "Admin", is_superuser=True),
    DemoAccount("instructor", Role.INSTRUCTOR, "Grace", "Hopper"),
    DemoAccount("alice", Role.STUDENT, "Alice", "Liddell"),
    DemoAccount("bob", Role.STUDENT, "Bob", "Builder"),
)


@dataclass
class DemoData:
    """What the parts seeded so far, by natural key, and what they report."""

    users: dict[str, Any] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)


def seed_users(data: DemoData) -> None:
    """The admin (a Django superuser), one instructor and two students."""
    user_model = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, created = user_model._default_manager.get_or_create(username=account.username)
        user.email = account.email
        user.first_name = account.first_name
        user.last_name = account.last_name
        user.role = account.role
        user.is_active = True
        user.is_staff = user.is_superuser = account.is_superuser
        if created or not user.check_password(account.password):
            user.set_password(account.password)
        user.save()
        data.users[account.username] = user
        data.log.append(
            f"{'Created' if created else 'Updated'} {account.role} {account.username!r}"
        )


Part = Callable[[DemoData], None]

#: The parts, in order. Later parts may use what earlier ones put into ``DemoData``.
PARTS: list[Part] = [seed_users]


def seed_demo(parts: Sequence[Part] | None = None) -> DemoData:
    """Run every part in one transaction: the demo data is all there or not at all."""
    data = DemoData()
    with transaction.atomic():
        for part in PARTS if parts is None else parts:
            part(data)
    return data

"""NRPS roster sync against the platform's membership endpoint (a separate process:
lti1p3platform checks the tool's token request and bearer token)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from lti_tool.models import LtiUser

from learnplat.courses.models import Enrollment
from learnplat.lti.tasks import sync_rosters
from tests.lti.platform import (
    INSTRUCTOR,
    LEARNER,
    TEACHING_ASSISTANT,
    Person,
    PlatformServer,
    launch,
)
from tests.lti.test_launch import code_of

pytestmark = pytest.mark.django_db


def member(sub: str, roles: list[str], status: str = "Active", **extra: Any) -> dict[str, Any]:
    return {"user_id": sub, "roles": roles, "status": status, "name": sub.title(), **extra}


@pytest.fixture
def bound(world: Any, registration: Any, platform: PlatformServer) -> None:
    """Two platform users launched once (so the course is bound to the platform's context)."""
    for sub in ("alice", "bob"):
        browser = Client()
        outcome = launch(
            browser,
            Person(sub=sub, roles=[LEARNER], email=f"{sub}@uni.example"),
            custom={"learnplat_course": world.course.slug},
            services=platform.url,
        )
        code_of(outcome.response)
    platform.trust_tool(Client().get("/api/lti/jwks/").json())


def role_in(world: Any, sub: str) -> tuple[str, str] | None:
    lti_user = LtiUser.objects.filter(sub=sub).select_related("auth_user").first()
    if lti_user is None or lti_user.auth_user is None:
        return None
    enrollment = Enrollment.objects.filter(user=lti_user.auth_user, course=world.course).first()
    return None if enrollment is None else (enrollment.role, enrollment.status)


def test_the_command_enrolls_new_members_and_drops_those_who_left(
    world: Any, bound: None, platform: PlatformServer
) -> None:
    platform.set_members(
        [
            member("alice", [LEARNER]),
            member("carol", [TEACHING_ASSISTANT], email="carol@uni.example"),
            member("dave", [INSTRUCTOR], status="Inactive"),
        ]
    )  # bob is gone
    out = StringIO()

    call_command("learnplat_lti_sync_rosters", stdout=out)

    assert "Synced 1 rosters (0 failed): 1 added, 0 changed, 1 dropped." in out.getvalue()
    assert role_in(world, "alice") == ("student", "active")
    assert role_in(world, "bob") == ("student", "dropped")
    assert role_in(world, "carol") == ("assistant", "active")
    assert role_in(world, "dave") is None
    # Local members the platform never brought stay.
    assert Enrollment.objects.get(user=world.student, course=world.course).status == "active"


def test_the_task_syncs_too_and_role_changes_follow(
    world: Any, bound: None, platform: PlatformServer
) -> None:
    platform.set_members([member("alice", [INSTRUCTOR]), member("bob", [LEARNER])])

    result = sync_rosters.enqueue()

    assert result.return_value == {
        "contexts": 1,
        "failed": 0,
        "added": 0,
        "changed": 1,
        "dropped": 0,
    }
    assert role_in(world, "alice") == ("instructor", "active")


def test_a_platform_that_refuses_is_reported_not_raised(
    world: Any, bound: None, platform: PlatformServer, registration: Any
) -> None:
    platform.trust_tool({"keys": []})  # the platform no longer knows the tool's key
    out = StringIO()

    call_command("learnplat_lti_sync_rosters", stdout=out)

    assert "Synced 0 rosters (1 failed)" in out.getvalue()
    assert role_in(world, "bob") == ("student", "active")

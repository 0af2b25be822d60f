"""learnplat.flows.enrollment called directly, as host code and commands would."""

from __future__ import annotations

import pytest

from learnplat.courses.models import Enrollment
from learnplat.exceptions import InvalidInput, LearnplatError
from learnplat.flows import enrollment as enrollment_flow
from learnplat.roles import Role
from tests.factories import make_user
from tests.world import World

pytestmark = pytest.mark.django_db


def test_enroll_codes(world: World) -> None:
    outsider = world.users["outsider"]
    with pytest.raises(LearnplatError) as info:
        enrollment_flow.enroll(user=outsider, course=world.draft)
    assert info.value.code == "enrollment_closed"
    enrollment = enrollment_flow.enroll(user=outsider, course=world.course)
    with pytest.raises(LearnplatError) as info:
        enrollment_flow.enroll(user=outsider, course=world.course)
    assert info.value.code == "already_enrolled"
    enrollment_flow.drop(enrollment=enrollment)
    assert enrollment_flow.enroll(user=outsider, course=world.course).pk == enrollment.pk


def test_completed_enrollment_counts_as_enrolled(world: World) -> None:
    Enrollment.objects.filter(user=world.users["student"]).update(status="completed")
    with pytest.raises(LearnplatError) as info:
        enrollment_flow.enroll(user=world.users["student"], course=world.course)
    assert info.value.code == "already_enrolled"


def test_drop_codes(world: World) -> None:
    instructor = Enrollment.objects.get(user=world.users["instructor"], course=world.course)
    with pytest.raises(LearnplatError) as info:
        enrollment_flow.drop(enrollment=instructor)
    assert info.value.code == "last_instructor"
    student = Enrollment.objects.get(user=world.users["student"], course=world.course)
    enrollment_flow.drop(enrollment=student)
    with pytest.raises(LearnplatError) as info:
        enrollment_flow.drop(enrollment=student)
    assert info.value.code == "not_enrolled"


def test_add_staff(world: World) -> None:
    helper = make_user(Role.STUDENT)
    enrollment = enrollment_flow.add_staff(course=world.course, user=helper)
    assert enrollment.role == "assistant"
    with pytest.raises(InvalidInput):
        enrollment_flow.add_staff(course=world.course, user=helper, role="student")
    with pytest.raises(LearnplatError) as info:
        enrollment_flow.add_staff(
            course=world.course,
            user=make_user(Role.STUDENT),
            role="instructor",
            added_by=world.users["assistant"],
        )
    assert (info.value.code, info.value.status_code) == ("permission_denied", 403)


def test_add_enrollment_unknown_role(world: World) -> None:
    with pytest.raises(InvalidInput):
        enrollment_flow.add_enrollment(
            course=world.course, user=world.users["outsider"], role="owner"
        )

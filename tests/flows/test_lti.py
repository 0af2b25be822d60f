"""flows.lti under concurrency: a launch code and a launch nonce are good exactly once, also
when the requests arrive together (PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from learnplat.exceptions import Unauthenticated
from learnplat.flows import lti as lti_flows
from learnplat.lti.models import LaunchCode, SpentNonce
from tests.factories import CourseFactory, make_user
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_launch_code_raced_six_times_gives_one_session() -> None:
    user, course = make_user(username="racer"), CourseFactory()
    LaunchCode.objects.create(
        code_hash=lti_flows._hash("the-code"),
        user=user,
        course=course,
        expires_at=timezone.now() + timedelta(minutes=1),
    )

    outcomes = race(*[lambda: lti_flows.exchange_launch_code(code="the-code")] * 6)

    assert sum(outcome.error is None for outcome in outcomes) == 1
    assert all(isinstance(error, Unauthenticated) for error in outcomes.errors())


def test_a_nonce_raced_four_times_is_spent_once() -> None:
    outcomes = race(*[lambda: lti_flows._spend_nonce("nonce-1")] * 4)

    assert sum(outcome.error is None for outcome in outcomes) == 1
    assert [getattr(e, "code", None) for e in outcomes.errors()] == ["lti_launch_replayed"] * 3
    assert SpentNonce.objects.count() == 1

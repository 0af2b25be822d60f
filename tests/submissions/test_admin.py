"""The admin of submissions: read-only answers, filters, regrade and requeue actions."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from learnplat.flows import evaluate as evaluate_flow
from learnplat.submissions.models import Submission
from tests.submissions.conftest import World, queued

CHANGELIST = "/admin/learnplat_submissions/submission/"


@pytest.fixture
def admin_client_(client: Any, world: World) -> Any:
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-pw-pw-pw")
    client.force_login(root)
    return client


def test_changelist_filters_and_detail(world: World, admin_client_: Any) -> None:
    submission = queued(world, "4")
    evaluate_flow.run_evaluation(submission.pk)
    queued(world, "5", user=world.other_student)
    response = admin_client_.get(CHANGELIST, {"status__exact": "graded"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [submission]
    response = admin_client_.get(f"{CHANGELIST}?course__id__exact={world.course.pk}")
    assert len(response.context["cl"].result_list) == 2
    detail = admin_client_.get(f"{CHANGELIST}{submission.pk}/change/")
    assert detail.status_code == 200
    assert b"<pre>&quot;4&quot;</pre>" in detail.content
    # Nothing on the form is editable: grades change through the API so history is kept.
    assert b'name="score"' not in detail.content
    assert admin_client_.get(f"{CHANGELIST}add/").status_code == 403


def test_regrade_and_requeue_actions(world: World, admin_client_: Any, on_commit: Any) -> None:
    submission = queued(world, "4")
    evaluate_flow.run_evaluation(submission.pk)
    response = admin_client_.post(
        CHANGELIST, {"action": "regrade_selected", "_selected_action": [submission.pk]}, follow=True
    )
    assert b"1 submissions queued for regrading." in response.content
    submission.refresh_from_db()
    assert (submission.status, submission.evaluation_trigger) == ("queued", "regrade")
    # A failed submission is retried with a fresh count of tries.
    Submission.objects.filter(pk=submission.pk).update(status="failed", tries=3, last_error="boom")
    with on_commit():
        response = admin_client_.post(
            CHANGELIST,
            {"action": "requeue_selected", "_selected_action": [submission.pk]},
            follow=True,
        )
    assert b"1 submissions requeued." in response.content
    submission.refresh_from_db()
    assert (submission.status, submission.tries) == ("graded", 1)

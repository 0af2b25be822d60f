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


TOKENS = "/admin/learnplat_submissions/gradertoken/"


def _shown_secret(response: Any) -> str:
    import re

    [secret] = [
        found[1]
        for message in response.context["messages"]
        if (found := re.search(r"<code>([^<]+)</code>", str(message)))
    ]
    return secret


def test_a_grader_token_added_in_the_admin_shows_a_working_secret_once(
    admin_client_: Any,
) -> None:
    from learnplat.submissions.models import GraderToken, hash_grader_secret

    response = admin_client_.post(
        f"{TOKENS}add/",
        {"name": "sandbox", "queues": '["python"]', "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    secret = _shown_secret(response)
    token = GraderToken.objects.get(name="sandbox")
    assert (token.queues, token.is_active) == (["python"], True)
    assert token.token_hash == hash_grader_secret(secret)
    assert GraderToken.objects.for_secret(secret) == token
    # Editing keeps the secret; rotating replaces it at once.
    response = admin_client_.post(
        f"{TOKENS}{token.pk}/change/", {"name": "box", "queues": '["java"]'}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert (token.name, token.queues, token.is_active) == ("box", ["java"], False)
    assert GraderToken.objects.for_secret(secret) is None  # inactive
    GraderToken.objects.filter(pk=token.pk).update(is_active=True)
    response = admin_client_.post(
        TOKENS, {"action": "rotate_secret", "_selected_action": [token.pk]}, follow=True
    )
    rotated = _shown_secret(response)
    assert rotated != secret
    assert GraderToken.objects.for_secret(secret) is None
    assert GraderToken.objects.for_secret(rotated) == GraderToken.objects.get(pk=token.pk)


def test_a_course_deleted_in_the_admin_goes_with_its_rows(world: World, admin_client_: Any) -> None:
    from learnplat.courses.models import Course, Enrollment, Task

    queued(world, "4")
    url = f"/admin/learnplat_courses/course/{world.course.pk}/delete/"
    response = admin_client_.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Course.objects.filter(pk=world.course.pk).exists()
    assert not Task.objects.filter(course_id=world.course.pk).exists()
    assert not Enrollment.objects.filter(course_id=world.course.pk).exists()
    assert not Submission.objects.filter(course_id=world.course.pk).exists()


HISTORY = "/admin/learnplat_submissions/gradechange/"


def test_grade_history_is_shown_read_only(world: World, admin_client_: Any) -> None:
    from learnplat.flows import grading as grading_flow
    from learnplat.submissions.models import GradeChange

    submission = queued(world, "4")
    evaluate_flow.run_evaluation(submission.pk)
    grading_flow.grade(submission=submission, by=world.instructor, score=3, reason="Copied")
    other = queued(world, "4", user=world.other_student)
    evaluate_flow.run_evaluation(other.pk)

    detail = admin_client_.get(f"{CHANGELIST}{submission.pk}/change/")
    inline = next(
        f for f in detail.context["inline_admin_formsets"] if f.formset.model is GradeChange
    )
    assert [form.instance.kind for form in inline.formset.forms] == ["auto", "override"]
    assert b"Copied" in detail.content
    assert not inline.has_add_permission
    assert not inline.has_change_permission
    assert not inline.has_delete_permission

    listed = admin_client_.get(HISTORY)
    assert listed.status_code == 200
    assert len(listed.context["cl"].result_list) == 3
    overrides = admin_client_.get(HISTORY, {"kind__exact": "override"})
    assert [c.reason for c in overrides.context["cl"].result_list] == ["Copied"]
    change = GradeChange.objects.get(kind="override")
    page = admin_client_.get(f"{HISTORY}{change.pk}/change/")
    assert page.status_code == 200
    assert b'name="reason"' not in page.content
    assert admin_client_.get(f"{HISTORY}add/").status_code == 403
    assert admin_client_.post(f"{HISTORY}{change.pk}/delete/", {"post": "yes"}).status_code == 403
    assert GradeChange.objects.filter(pk=change.pk).exists()


def test_regrade_requests_are_listed_and_read_only(world: World, admin_client_: Any) -> None:
    from learnplat.flows import regrade_requests as regrade_flow
    from learnplat.submissions.models import RegradeRequest

    def filed(user: Any) -> RegradeRequest:
        submission = queued(world, "5", user=user)
        evaluate_flow.run_evaluation(submission.pk)
        return regrade_flow.file_request(submission=submission, user=user, reason="Look again.")

    mine = filed(world.student)
    theirs = filed(world.other_student)
    regrade_flow.resolve_request(
        regrade_request=theirs, by=world.instructor, accept=False, response="No."
    )
    changelist = "/admin/learnplat_submissions/regraderequest/"
    response = admin_client_.get(changelist, {"status__exact": "open"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [mine]
    response = admin_client_.get(changelist, {"course__id__exact": world.course.pk})
    assert len(response.context["cl"].result_list) == 2
    detail = admin_client_.get(f"{changelist}{mine.pk}/change/")
    assert detail.status_code == 200
    assert b"Look again." in detail.content
    assert b'name="status"' not in detail.content
    assert (
        admin_client_.post(f"{changelist}{mine.pk}/change/", {"status": "accepted"}).status_code
        == 403
    )
    mine.refresh_from_db()
    assert mine.status == "open"
    assert admin_client_.get(f"{changelist}add/").status_code == 403


def test_the_comment_thread_is_a_read_only_inline(world: World, admin_client_: Any) -> None:
    from learnplat.flows import comments as comments_flow
    from learnplat.submissions.models import SubmissionComment

    submission = queued(world, "4")
    evaluate_flow.run_evaluation(submission.pk)
    comments_flow.post_comment(submission=submission, author=world.student, body="Why 10?")
    comments_flow.post_comment(
        submission=submission,
        author=world.instructor,
        body="Read line 2.",
        visible_before_release=True,
    )
    detail = admin_client_.get(f"{CHANGELIST}{submission.pk}/change/")
    assert detail.status_code == 200
    content = detail.content.decode()
    assert "Why 10?" in content
    assert content.index("Why 10?") < content.index("Read line 2.")
    # Shown, not editable: no body field, no blank row to add one; deleting is offered.
    assert 'name="comments-0-body"' not in content
    assert 'name="comments-__prefix__-body"' not in content
    assert 'name="comments-0-DELETE"' in content
    assert SubmissionComment.objects.count() == 2


STARTS = "/admin/learnplat_submissions/taskstart/"


def test_timed_starts_are_listed_read_only_and_restarted_by_an_action(
    world: World, admin_client_: Any
) -> None:
    from learnplat.flows import timed as timed_flow
    from learnplat.submissions.models import TaskStart

    world.task.time_limit_minutes = 20
    world.task.save(update_fields=["time_limit_minutes"])
    start = timed_flow.start_task(task=world.task, user=world.student)
    response = admin_client_.get(STARTS)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [start]
    assert admin_client_.get(f"{STARTS}add/").status_code == 403
    detail = admin_client_.get(f"{STARTS}{start.pk}/change/")
    assert detail.status_code == 200
    assert b'name="deadline"' not in detail.content

    response = admin_client_.post(
        STARTS, {"action": "restart", "_selected_action": [start.pk]}, follow=True
    )
    assert b"Restarted 1 attempt(s)." in response.content
    start.refresh_from_db()
    assert start.restarted_at is not None
    assert start.restarted_by is not None
    assert start.restarted_by.get_username() == "root"
    # The student may start again; a second restart of the old row does nothing.
    again = timed_flow.start_task(task=world.task, user=world.student)
    assert TaskStart.objects.current().get(task=world.task, user=world.student) == again
    response = admin_client_.post(
        STARTS, {"action": "restart", "_selected_action": [start.pk]}, follow=True
    )
    assert b"Restarted 0 attempt(s)." in response.content


def test_a_staff_user_who_may_only_view_starts_gets_no_restart_action(
    world: World, client: Any
) -> None:
    from django.contrib.auth.models import Permission

    viewer = get_user_model().objects.create_user("viewer", "v@example.com", "pw-pw-pw-pw")
    viewer.is_staff = True
    viewer.save()
    viewer.user_permissions.add(Permission.objects.get(codename="view_taskstart"))
    client.force_login(viewer)
    response = client.get(STARTS)
    assert response.status_code == 200
    assert b'value="restart"' not in response.content

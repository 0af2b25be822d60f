"""AGS score passback as a sink of the outbox (``learnplat.events``): ``name = "lti_ags"``.

For a ``submission.graded`` or ``grade.changed`` event of a task that a resource link with
AGS opens, :meth:`AgsSink.targets` names one target per LTI context (course on the
platform) whose links open the task and per student the submission counts for (its user,
or every member of its group on a group task: decision 0030) who has a platform identity on
that context's registration; the target is ``"<context pk>:<user pk>"``.
:meth:`AgsSink.deliver` posts that student's score there with pylti1p3 (client-credentials
token from the platform's token URL, then the score service), creating the task's line item
on the first score. The outbox retries failed attempts with backoff and marks them dead
after ``EVENTS["MAX_TRIES"]``.

What is sent is read when the delivery runs, not when the event was written: the task's
counted score of the student (``TaskProgress.score``, which a group grade gives every
member), ``scoreMaximum`` the task's
``max_score``, ``gradingProgress`` from the submission's status
(``Submission.grading_progress``). A score that is not released to the student yet is sent
without ``scoreGiven`` and as ``Pending``, so the platform's gradebook shows it as coming.
An event's ``data`` names the submission as ``submission`` (an id, or an object with
``id``) or ``submission_id``. A target of only ``"<context pk>"`` (written before group
passback) means the submission's user.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import requests
from lti_tool.models import LtiContext, LtiLineItem, LtiUser
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem

from learnplat.courses.deadlines import effective_window
from learnplat.courses.models import GroupMembership
from learnplat.courses.release import is_released
from learnplat.events.choices import EventType
from learnplat.events.sinks import DeliveryOutcome, register_sink
from learnplat.flows import lti as lti_flows
from learnplat.lti.choices import AGS_LINEITEM_READONLY_SCOPE, AGS_LINEITEM_SCOPE, AGS_SCORE_SCOPE
from learnplat.lti.services import service_connector
from learnplat.progress.models import TaskProgress
from learnplat.submissions.choices import SubmissionStatus
from learnplat.submissions.models import Submission
from learnplat.submissions.release import released_to_owner

if TYPE_CHECKING:
    from learnplat.events.models import Delivery, Event

logger = logging.getLogger(__name__)

EVENT_TYPES = frozenset({EventType.SUBMISSION_GRADED, EventType.GRADE_CHANGED})
#: Answers that a retry cannot change: give up at once.
FINAL_STATUSES = frozenset({400, 404, 405, 422})


def _submission_id(event: Event) -> int | None:
    data = event.data if isinstance(event.data, dict) else {}
    raw = data.get("submission", data.get("submission_id"))
    if isinstance(raw, dict):
        raw = raw.get("id")
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else None


def _submission(event: Event) -> Submission | None:
    if event.type not in EVENT_TYPES:
        return None
    pk = _submission_id(event)
    if pk is None:
        return None
    return Submission.objects.select_related("task__course").filter(pk=pk).first()


def _credited(submission: Submission) -> list[int]:
    """The users a submission counts for: its group's members (membership is frozen at the
    group's first submission), else its user."""
    if submission.group_id is None:
        return [submission.user_id]
    members = list(
        GroupMembership.objects.filter(group_id=submission.group_id)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    return members or [submission.user_id]


def _targets(submission: Submission) -> list[tuple[int, int]]:
    """(context pk, user pk) for each context with the AGS score scope whose links open the
    submission's task (a line item is per task: links to the whole course get no scores),
    and each credited student with a platform identity on that context's registration."""
    contexts = list(
        LtiContext.objects.filter(
            resource_links__learnplat_binding__task=submission.task,
            can_publish_scores=True,
            deployment__registration__is_active=True,
        )
        .exclude(lineitems_url="")
        .values_list("pk", "deployment__registration_id")
        .distinct()
        .order_by("pk")
    )
    if not contexts:
        return []
    identities: dict[int, list[int]] = {}
    for registration_id, user_id in (
        LtiUser.objects.filter(
            registration_id__in={registration for _, registration in contexts},
            auth_user_id__in=_credited(submission),
        )
        .order_by("auth_user_id")
        .values_list("registration_id", "auth_user_id")
    ):
        identities.setdefault(registration_id, []).append(user_id)
    return [
        (context, user_id)
        for context, registration in contexts
        for user_id in identities.get(registration, [])
    ]


def _parse_target(target: str, submission: Submission) -> tuple[int, int] | None:
    context, _, user = target.partition(":")
    if not context.isdecimal() or not (user == "" or user.isdecimal()):
        return None
    return int(context), int(user) if user else submission.user_id


def _released_to(submission: Submission, user_id: int) -> bool:
    """Whether ``user_id`` may see the submission's score: the release rule with that
    student's own due date (members of a group may have different extensions)."""
    if user_id == submission.user_id:
        return released_to_owner(submission)
    task = submission.task
    return is_released(task, effective_due_at=None) or is_released(
        task, effective_due_at=effective_window(task, user_id).due_at
    )


def _scopes(context: LtiContext) -> list[str]:
    scopes = [AGS_SCORE_SCOPE]
    if context.can_manage_lineitems:
        scopes.append(AGS_LINEITEM_SCOPE)
    elif context.can_query_lineitems:
        scopes.append(AGS_LINEITEM_READONLY_SCOPE)
    return scopes


def _grade(submission: Submission, user_id: int, sub: str, timestamp: str) -> Grade:
    progress = (
        TaskProgress.objects.filter(user_id=user_id, task_id=submission.task_id)
        .values_list("score", flat=True)
        .first()
    )
    released = _released_to(submission, user_id)
    grading_progress = submission.grading_progress
    grade = (
        Grade()
        .set_user_id(sub)
        .set_timestamp(timestamp)
        .set_score_maximum(submission.task.max_score)
        .set_activity_progress(
            "Completed" if submission.status == SubmissionStatus.GRADED else "Submitted"
        )
    )
    if released and progress is not None and submission.status == SubmissionStatus.GRADED:
        grade.set_score_given(progress)
    elif grading_progress == "FullyGraded":
        grading_progress = "Pending"  # graded, but not released to the student yet
    return grade.set_grading_progress(grading_progress)


class AgsSink:
    """The outbox's sink for LTI Assignment and Grade Services score passback."""

    name = "lti_ags"

    def targets(self, event: Event) -> list[str]:
        submission = _submission(event)
        if submission is None:
            return []
        return [f"{context}:{user}" for context, user in _targets(submission)]

    def deliver(self, delivery: Delivery) -> DeliveryOutcome:
        submission = _submission(delivery.event)
        target = _parse_target(delivery.target, submission) if submission is not None else None
        context = (
            LtiContext.objects.select_related("deployment__registration")
            .filter(pk=target[0])
            .first()
            if target is not None
            else None
        )
        if submission is None or target is None or context is None:
            return DeliveryOutcome(ok=False, error="submission or context gone", retry=False)
        user_id = target[1]
        registration = context.deployment.registration
        lti_user = LtiUser.objects.filter(registration=registration, auth_user_id=user_id).first()
        if lti_user is None:
            return DeliveryOutcome(ok=False, error="no platform identity", retry=False)
        service = AssignmentsGradesService(
            service_connector(registration),
            {"scope": _scopes(context), "lineitems": context.lineitems_url},  # type: ignore[typeddict-item]
        )
        timestamp = delivery.event.timestamp.isoformat()
        try:
            line_item = self._line_item(service, context, submission)
            response = service.put_grade(
                _grade(submission, user_id, lti_user.sub, timestamp), LineItem({"id": line_item})
            )
        except LtiServiceException as exc:
            return DeliveryOutcome(
                ok=False,
                status_code=exc.response.status_code,
                error=str(exc)[:500],
                retry=exc.response.status_code not in FINAL_STATUSES,
            )
        except (LtiException, requests.RequestException, ValueError) as exc:
            return DeliveryOutcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:500])
        logger.info(
            "AGS score of submission %s for user %s sent to %s", submission.pk, user_id, line_item
        )
        return DeliveryOutcome(ok=True, status_code=200 if response is not None else None)

    def _line_item(
        self, service: AssignmentsGradesService, context: LtiContext, submission: Submission
    ) -> str:
        """The URL of the task's line item in ``context``: remembered, else found on the
        platform by ``resourceId`` (a deep-linked task's was made with the link), else made
        there now."""
        task = submission.task
        resource_id = lti_flows.line_item_resource_id(task)
        known = (
            LtiLineItem.objects.filter(context=context, resource_id=resource_id)
            .values_list("url", flat=True)
            .first()
        )
        if known:
            return known
        found = service.find_or_create_lineitem(
            LineItem()
            .set_label(task.title)
            .set_score_maximum(task.max_score)
            .set_resource_id(resource_id),
            find_by="resource_id",
        )
        url = str(found.get_id())
        lti_flows.record_line_item(
            context=context,
            task=task,
            url=url,
            label=task.title,
            maximum_score=float(found.get_score_maximum() or task.max_score),
        )
        return url


ags_sink = AgsSink()


def register() -> None:
    register_sink(ags_sink)

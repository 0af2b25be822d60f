"""Read queries of the submissions app: visibility, the pipeline's work lists, regrade scopes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from learnplat.conf import settings
from learnplat.courses.choices import ReleaseMode
from learnplat.courses.querysets import section_date_of, staff_roles_of
from learnplat.querysets import AttachingQuerySet
from learnplat.roles import is_platform_admin
from learnplat.submissions.choices import RegradeScope, SubmissionStatus

if TYPE_CHECKING:
    from learnplat.submissions.models import (  # noqa: F401
        Evaluation,
        GraderToken,
        RegradeRequest,
        Submission,
        SubmissionComment,
        TaskStart,
    )


def claim_ttl() -> timedelta:
    """How long a grader's claim holds (``LEARNPLAT["GRADING"]["CLAIM_TTL_SECONDS"]``)."""
    return timedelta(seconds=int(settings.GRADING["CLAIM_TTL_SECONDS"]))


def claim_holds(submission: Any, *, now: datetime | None = None) -> bool:
    """Whether someone holds an unexpired claim on ``submission`` (the one expiry rule of the
    claim flow and of the ``claimed_by`` a submission shows)."""
    from django.utils import timezone

    return (
        submission.claimed_by_id is not None
        and submission.claimed_at is not None
        and submission.claimed_at >= (now or timezone.now()) - claim_ttl()
    )


#: Scopes of a task-wide regrade: every submission, or each student's latest or best one.
REGRADE_SCOPES = tuple(RegradeScope.values)


_Rows = TypeVar("_Rows", bound=models.QuerySet[Any])


def group_ids_of(user_id: int) -> list[int]:
    """The ids of the student groups a user is a member of (one small query)."""
    from learnplat.courses.models import GroupMembership

    return list(GroupMembership.objects.filter(user_id=user_id).values_list("group_id", flat=True))


def shared_with(user_id: int, group_ids: list[int] | None = None) -> Q:
    """The submissions that are a user's as their owner sees them: their own and those of
    their groups (a group's submission counts for every member, decision 0030)."""
    group_ids = group_ids_of(user_id) if group_ids is None else group_ids
    own = Q(user_id=user_id)
    return own | Q(group_id__in=group_ids) if group_ids else own


def owns(viewer: Any, submission: Any) -> bool:
    """Whether ``viewer`` is on the owner's side of ``submission``: its user, or a member of
    its group. Reads the ``viewer_in_group`` annotation of ``visible_to()`` when present."""
    pk = getattr(viewer, "pk", None)
    if pk is None:
        return False
    if pk == submission.user_id:
        return True
    if submission.group_id is None:
        return False
    annotated = getattr(submission, "viewer_in_group", None)
    if annotated is not None:
        return bool(annotated)
    from learnplat.courses.models import GroupMembership

    return GroupMembership.objects.filter(group_id=submission.group_id, user_id=pk).exists()


def own_or_taught(rows: _Rows, user: Any, *, own: Q | None = None) -> _Rows:
    """The rows of ``rows`` (which have ``user`` and ``course``) that are ``user``'s own
    (``own``, by default ``user = ...``) or of courses they are staff of; all of them for
    platform admins, none for anonymous."""
    if not getattr(user, "is_authenticated", False):
        return rows.none()
    if is_platform_admin(user):
        return rows.all()
    # The courses first (one small query), so that a student's list is a plain
    # ``user = ...`` that the (user, -created) indexes serve: an OR with a subquery
    # makes PostgreSQL read and sort every row, at any page.
    taught = list(staff_roles_of(user))
    own = Q(user=user) if own is None else own
    if not taught:
        return rows.filter(own)
    return rows.filter(own | Q(course_id__in=taught))


class SubmissionQuerySet(AttachingQuerySet["Submission"]):
    def of_submitter(self, *, task: Any, submitter: Any) -> SubmissionQuerySet:
        """The submissions to ``task`` that count against ``submitter``'s attempts and
        budget: the group's when it submits as a group (``flows.groups.Submitter``), else
        the user's own."""
        if submitter.group is not None:
            return self.filter(task=task, group=submitter.group)
        return self.filter(task=task, user=submitter.user)

    def visible_to(self, user: Any) -> SubmissionQuerySet:
        """A user's own submissions and their groups', those of courses they teach; every
        one for admins. Annotates ``viewer_in_group`` (read by :func:`owns`)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        group_ids = group_ids_of(user.pk)
        rows = own_or_taught(self, user, own=shared_with(user.pk, group_ids))
        in_group = (
            ExpressionWrapper(Q(group_id__in=group_ids), output_field=BooleanField())
            if group_ids
            else Value(False)
        )
        return rows.annotate(viewer_in_group=in_group)

    def with_summaries(self) -> SubmissionQuerySet:
        """Joined with what a submission's representation names: its user, task and course
        (``student``, ``task_title``, ``course``), its ``group``, its grader assignment
        and claim (``assigned_to``, ``claimed_by``, attached: :func:`attach_graders`), the
        student's pseudonym on the task (:meth:`with_pseudonyms`) and the rubric ``parts``
        (the task's rubric with its criteria and levels, the submission's assessments,
        attached: :func:`attach_rubric_parts`), so a list costs no query per row."""
        return (
            self.select_related("user", "task", "course", "group")
            .with_pseudonyms()
            .attach("graders", attach_graders)
            .attach("rubric_parts", attach_rubric_parts)  # type: ignore[return-value]
        )

    def with_pseudonyms(self) -> SubmissionQuerySet:
        """Give each fetched submission of an anonymously graded task ``pseudonym_number``:
        the student's "Student N" number on the task (None when they have none), read by
        ``learnplat.submissions.anonymity``. One query after the fetch, only when the page
        has such rows (:func:`attach_pseudonyms`); others are left without it (only a
        masked row, always of an anonymous task, reads it)."""
        return self.attach("pseudonyms", attach_pseudonyms)  # type: ignore[return-value]

    def masked_from(self, viewer: Any, *, now: datetime | None = None) -> SubmissionQuerySet:
        """The rows ``viewer`` sees under a pseudonym (``learnplat.submissions.anonymity``
        says the same of one row): anonymously graded tasks, grades not released to the
        owner, rows not the viewer's own; none for platform admins. Needs
        :meth:`annotate_release_dates`."""
        from django.utils import timezone

        if viewer is not None and is_platform_admin(viewer):
            return self.none()
        now = now or timezone.now()
        unreleased = Q(task__released_at__isnull=True) & (
            Q(task__release=ReleaseMode.MANUAL)
            | Q(task__release=ReleaseMode.AFTER_DUE, release_due_at__isnull=True)
            | Q(task__release=ReleaseMode.AFTER_DUE, release_due_at__gt=now)
        )
        rows = self.filter(Q(task__anonymous_grading=True) & unreleased)
        if viewer is not None and getattr(viewer, "pk", None) is not None:
            rows = rows.exclude(shared_with(viewer.pk))
        return rows

    def needs_review(self) -> SubmissionQuerySet:
        return self.filter(status=SubmissionStatus.NEEDS_REVIEW)

    def grading_queue(self, user: Any) -> SubmissionQuerySet:
        """``GET grading/queue/``: the ``needs_review`` submissions of every course ``user``
        is an active instructor or assistant of (every course for platform admins; none for
        anyone else), never the caller's own, oldest first."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        rows = self.needs_review()
        if not is_platform_admin(user):
            from learnplat.courses.models import Enrollment

            taught = list(
                Enrollment.objects.staff().filter(user=user).values_list("course_id", flat=True)
            )
            if not taught:
                return self.none()
            rows = rows.filter(course_id__in=taught)
        return rows.exclude(user=user).order_by("submitted_at", "id")

    def with_release_dates(self) -> SubmissionQuerySet:
        """Give each fetched submission ``release_due_at``: the owner's effective due date
        of the task where whether the score is released depends on it (an ``after_due``
        task nobody released yet), None elsewhere (:func:`attach_release_dates`). Set after
        the fetch, so the page's statement stays small; to filter on it, use
        :meth:`annotate_release_dates`."""
        return self.attach("release_dates", attach_release_dates)  # type: ignore[return-value]

    def annotate_release_dates(self) -> SubmissionQuerySet:
        """``release_due_at`` (as :meth:`with_release_dates` gives it) as an annotation, for
        querysets that filter on it (:meth:`masked_from`): the owner's extension, else their
        section's date, else the task's, as ``Task.objects.with_effective_dates`` decides it.
        Correlated subqueries, only evaluated for rows of such tasks."""
        from learnplat.courses.models import Extension

        theirs = Extension.objects.filter(
            user_id=OuterRef("user_id"), course_id=OuterRef("course_id")
        ).order_by()
        own = Subquery(theirs.filter(task_id=OuterRef("task_id")).values("due_at")[:1])
        course_wide = Subquery(theirs.filter(task__isnull=True).values("due_at")[:1])
        return self.annotate(
            release_due_at=Case(
                When(
                    task__release=ReleaseMode.AFTER_DUE,
                    task__released_at__isnull=True,
                    then=Coalesce(
                        own,
                        course_wide,
                        section_date_of("task_id", "course_id", OuterRef("user_id"), "due_at"),
                        F("task__due_at"),
                    ),
                ),
                default=None,
            )
        )

    # -- the evaluation pipeline -------------------------------------------------------

    def in_process(self) -> SubmissionQuerySet:
        """Submissions evaluated by a worker (not by an external grader)."""
        return self.filter(grader_queue__isnull=True)

    def claimable(self, now: datetime) -> SubmissionQuerySet:
        """Queued and past any retry backoff."""
        return self.filter(status=SubmissionStatus.QUEUED).filter(
            Q(not_before__isnull=True) | Q(not_before__lte=now)
        )

    def expired_leases(self, now: datetime) -> SubmissionQuerySet:
        """Claimed by a worker or grader that did not finish in time."""
        return self.filter(status=SubmissionStatus.EVALUATING, lease_expires_at__lt=now)

    def lost_in_queue(
        self, now: datetime, *, grace: timedelta, due_retries: bool
    ) -> SubmissionQuerySet:
        """In-process submissions that sat claimable in the queue longer than ``grace``.

        Their task was lost (an enqueue that failed, a backend that dropped it). With
        ``due_retries`` every retry whose backoff is over is included too, for backends that
        cannot defer a task (the immediate backend), where the sweeper drives retries.
        """
        stale = now - grace
        lost = Q(not_before__isnull=True, queued_at__lt=stale) | Q(not_before__lt=stale)
        if due_retries:
            lost |= Q(not_before__lte=now)
        return self.in_process().filter(status=SubmissionStatus.QUEUED).filter(lost)

    def for_grader_queue(self, queue: str, now: datetime) -> SubmissionQuerySet:
        """What ``grader/next/?queue=`` hands out, oldest first."""
        return self.claimable(now).filter(grader_queue=queue).order_by("queued_at", "id")

    # -- regrades ------------------------------------------------------------------------

    def latest_per_user(self) -> SubmissionQuerySet:
        """Each user's latest attempt at each task."""
        latest = (
            self.model._default_manager.filter(task=OuterRef("task"), user=OuterRef("user"))
            .order_by("-attempt")
            .values("pk")[:1]
        )
        return self.filter(pk=Subquery(latest))

    def best_per_user(self) -> SubmissionQuerySet:
        """Each user's best-scoring attempt at each task (ties: the later one)."""
        best = (
            self.model._default_manager.filter(task=OuterRef("task"), user=OuterRef("user"))
            .order_by(F("score").desc(nulls_last=True), "-attempt")
            .values("pk")[:1]
        )
        return self.filter(pk=Subquery(best))

    def in_regrade_scope(self, scope: str) -> SubmissionQuerySet:
        if scope == RegradeScope.LATEST:
            return self.latest_per_user()
        if scope == RegradeScope.BEST:
            return self.best_per_user()
        if scope == RegradeScope.ALL:
            return self.all()
        raise ValueError(f"Unknown regrade scope {scope!r}; expected one of {REGRADE_SCOPES}.")


def attach_graders(submissions: list[Submission]) -> None:
    """Set ``assigned_to`` and ``claimed_by`` on each of ``submissions`` from one query for
    the page's graders (none when nobody is assigned or claiming): joining the user table
    twice more made the page's statement slow to plan (eight tables)."""
    from django.contrib.auth import get_user_model

    ids = {s.assigned_to_id for s in submissions} | {s.claimed_by_id for s in submissions}
    ids.discard(None)
    if not ids:
        return
    model = get_user_model()
    users = {user.pk: user for user in model._default_manager.filter(pk__in=ids)}
    for submission in submissions:
        for name in ("assigned_to", "claimed_by"):
            user_id = getattr(submission, f"{name}_id")
            if user_id is not None:
                setattr(submission, name, users[user_id])


def attach_pseudonyms(submissions: list[Submission]) -> None:
    """Set ``pseudonym_number`` (see :meth:`SubmissionQuerySet.with_pseudonyms`) on the
    submissions of anonymously graded tasks: one query for their (task, student) pairs, none
    when the page has no such row. A correlated subquery in the page's statement cost every
    list its compiling and planning, anonymous tasks or not."""
    from learnplat.submissions.models import Pseudonym

    anonymous = [s for s in submissions if s.task.anonymous_grading]
    if not anonymous:
        return
    numbers = {
        (task_id, user_id): number
        for task_id, user_id, number in Pseudonym.objects.filter(
            task_id__in={s.task_id for s in anonymous},
            user_id__in={s.user_id for s in anonymous},
        ).values_list("task_id", "user_id", "number")
    }
    for submission in anonymous:
        submission.pseudonym_number = numbers.get(  # type: ignore[attr-defined]
            (submission.task_id, submission.user_id)
        )


#: The attribute :func:`attach_rubric_parts` sets: the submission's rubric assessments.
RUBRIC_ASSESSMENTS_ATTRIBUTE = "lp_rubric_assessments"


def attach_rubric_parts(submissions: list[Submission]) -> None:
    """What ``parts`` reads, for a page: each submission's rubric assessments with their
    criterion and its levels, and the rubric with its criteria and levels of the page's
    tasks that have one. One single-table query finds which submissions have assessments;
    only for those are they read (with their criteria, two queries), and only tasks with a
    rubric read it (two queries). A page of tasks without rubrics pays one small query: the
    prefetch it replaces compiled a three-table statement (and its traversal) every time.
    The assessments go to ``lp_rubric_assessments`` (read by ``rubric_assessments_of``)."""
    from django.db.models import prefetch_related_objects

    from learnplat.courses.models import RubricCriterion
    from learnplat.submissions.models import RubricAssessment

    assessed = set(
        RubricAssessment.objects.filter(submission_id__in=[s.pk for s in submissions])
        .order_by()
        .values_list("submission_id", flat=True)
    )
    graded = [s for s in submissions if s.pk in assessed]
    if graded:
        prefetch_related_objects(
            graded,
            Prefetch(
                "rubric_assessments",
                queryset=RubricAssessment.objects.select_related("criterion", "level"),
            ),
            "rubric_assessments__criterion__levels",
        )
    for submission in submissions:
        setattr(
            submission,
            RUBRIC_ASSESSMENTS_ATTRIBUTE,
            list(submission.rubric_assessments.all()) if submission.pk in assessed else [],
        )
    tasks = [s.task for s in submissions if s.task.rubric_id is not None]
    if tasks:
        prefetch_related_objects(
            tasks,
            "rubric",
            Prefetch(
                "rubric__criteria",
                queryset=RubricCriterion.objects.prefetch_related("levels"),
            ),
        )


def rubric_assessments_of(submission: Any) -> list[Any]:
    """The submission's rubric assessments: those :func:`attach_rubric_parts` attached, else
    read through the relation (a prefetch, or one query)."""
    attached = submission.__dict__.get(RUBRIC_ASSESSMENTS_ATTRIBUTE)
    if attached is not None:
        return list(attached)
    return list(submission.rubric_assessments.all())


def attach_release_dates(submissions: list[Submission]) -> None:
    """Set ``release_due_at`` (see :meth:`SubmissionQuerySet.with_release_dates`) on each of
    ``submissions``: no query when none of them is of an unreleased ``after_due`` task,
    else one for the owners' extensions and at most two for their section dates."""
    from learnplat.courses.deadlines import section_dates_of
    from learnplat.courses.models import Extension

    waiting = []
    for submission in submissions:
        task = submission.task
        submission.release_due_at = None  # type: ignore[attr-defined]
        if task.release == ReleaseMode.AFTER_DUE and task.released_at is None:
            waiting.append(submission)
    if not waiting:
        return
    user_ids = {s.user_id for s in waiting}
    course_ids = {s.course_id for s in waiting}
    task_ids = {s.task_id for s in waiting}
    own: dict[tuple[int, int], datetime] = {}
    course_wide: dict[tuple[int, int], datetime] = {}
    for user_id, course_id, task_id, due_at in Extension.objects.filter(
        Q(task_id__in=task_ids) | Q(task__isnull=True),
        user_id__in=user_ids,
        course_id__in=course_ids,
    ).values_list("user_id", "course_id", "task_id", "due_at"):
        if task_id is None:
            course_wide[(user_id, course_id)] = due_at
        else:
            own[(user_id, task_id)] = due_at
    section_dates = section_dates_of(course_ids=course_ids, user_ids=user_ids, task_ids=task_ids)
    for submission in waiting:
        section_date = section_dates.get((submission.user_id, submission.task_id))
        submission.release_due_at = (  # type: ignore[attr-defined]
            own.get((submission.user_id, submission.task_id))
            or course_wide.get((submission.user_id, submission.course_id))
            or (section_date.due_at if section_date is not None else None)
            or submission.task.due_at
        )


class RegradeRequestQuerySet(models.QuerySet["RegradeRequest"]):
    def visible_to(self, user: Any) -> RegradeRequestQuerySet:
        """A student's own requests, those of the courses they are staff of; every one for
        platform admins (as submissions are seen)."""
        return own_or_taught(self, user)

    def with_summaries(self) -> RegradeRequestQuerySet:
        """Joined with what a request's representation names (its student, resolver, task,
        course and submission), so a list costs no query per row."""
        return self.select_related("user", "resolved_by", "task", "course", "submission")


class SubmissionCommentQuerySet(models.QuerySet["SubmissionComment"]):
    def thread_of(
        self, submission: Submission, *, viewer: Any, released: bool
    ) -> SubmissionCommentQuerySet:
        """The comments of ``submission`` that ``viewer`` reads, oldest first, with their
        authors joined (a page is one query).

        Anyone but the owner or a member of its group (the course's staff, platform admins:
        whoever the view let in) reads every comment. The owner reads their own (and their
        group's) always, and the others' once the grade is ``released`` to them or when
        staff set ``visible_before_release``.
        """
        rows = self.filter(submission_id=submission.pk)
        if not released and owns(viewer, submission):
            # A group's members read each other's comments as the owner reads their own.
            students = Q(author_id=submission.user_id)
            if submission.group_id is not None:
                from learnplat.courses.models import GroupMembership

                members = GroupMembership.objects.filter(group_id=submission.group_id)
                students |= Q(author_id__in=members.values("user_id"))
            rows = rows.filter(students | Q(visible_before_release=True))
        return rows.select_related("author").order_by("created", "id")


class EvaluationQuerySet(models.QuerySet["Evaluation"]):
    def successful(self) -> EvaluationQuerySet:
        return self.filter(error="")


class GraderTokenQuerySet(models.QuerySet["GraderToken"]):
    def active(self) -> GraderTokenQuerySet:
        return self.filter(is_active=True)

    def for_secret(self, secret: str) -> GraderToken | None:
        """The active token whose secret is ``secret``, or None."""
        from learnplat.submissions.models import hash_grader_secret

        return self.active().filter(token_hash=hash_grader_secret(secret)).first()


class TaskStartQuerySet(models.QuerySet["TaskStart"]):
    def current(self) -> TaskStartQuerySet:
        """The starts that still count: not restarted by the staff (at most one per
        student and task)."""
        return self.filter(restarted_at__isnull=True)


def submittable_tasks(user: Any) -> Any:
    """Tasks a user may address with ``POST tasks/{id}/submissions/``.

    The published tasks of every course the user can see (published courses are public),
    and every task of the courses they teach. Whether they may actually submit (an active
    student enrollment) is the service's 403 ``not_enrolled``, not a 404: the course is
    public, so its tasks' existence is no secret.
    """
    from learnplat.courses.models import Course, Task

    if is_platform_admin(user):
        return Task.objects.all()
    visible = Task.objects.filter(course__in=Course.objects.visible_to(user))
    return visible.filter(Q(is_published=True) | Q(course__in=Course.objects.taught_by(user)))


def grader_progress(course: Any) -> list[dict[str, Any]]:
    """Per grader with submissions of ``course`` assigned to them: ``{grader, assigned,
    graded}`` (graded: no longer ``needs_review``), by username. Two queries at any size."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from learnplat.submissions.models import Submission

    counts = {
        row["assigned_to_id"]: row
        for row in Submission.objects.filter(course=course, assigned_to__isnull=False)
        .order_by()
        .values("assigned_to_id")
        .annotate(
            assigned=Count("id"),
            graded=Count("id", filter=~Q(status=SubmissionStatus.NEEDS_REVIEW)),
        )
    }
    if not counts:
        return []
    User = get_user_model()
    users = sorted(
        User._default_manager.filter(pk__in=list(counts)),
        key=lambda user: (str(user.get_username()), user.pk),
    )
    return [
        {
            "grader": user,
            "assigned": counts[user.pk]["assigned"],
            "graded": counts[user.pk]["graded"],
        }
        for user in users
    ]

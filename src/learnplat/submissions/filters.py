"""Filters of ``GET submissions/`` (``task``, ``course`` slug, ``section``, ``user``,
``status``, ``mine``) and of ``GET regrade-requests/`` (``status``, ``course`` slug, ``task``,
``submission``, ``section``) and ``GET grading/queue/`` (``course`` slug, ``section``, ``task``,
``assigned``) and ``GET tasks/{id}/starts/`` (``user``, ``current``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from learnplat.courses.models import Enrollment
from learnplat.courses.querysets import in_section
from learnplat.submissions.choices import RegradeRequestStatus, SubmissionStatus
from learnplat.submissions.models import RegradeRequest, Submission, TaskStart
from learnplat.submissions.querysets import shared_with


def filter_section(queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
    return in_section(queryset, value)


SECTION_HELP = "A section's id: only the submissions of students enrolled in it."


class SubmissionFilter(django_filters.FilterSet):
    task = django_filters.NumberFilter(field_name="task_id", help_text="A task's id.")
    course = django_filters.CharFilter(field_name="course__slug", help_text="A course's slug.")
    section = django_filters.NumberFilter(method=filter_section, help_text=SECTION_HELP)
    user = django_filters.NumberFilter(
        method="filter_user",
        help_text="A user's id. Submissions the caller sees under a pseudonym (anonymous "
        "grading, grade not released) are left out: this filter cannot unmask them.",
    )
    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices)
    # A grading queue must not list the grader's own answers in a course they take as a
    # student, and a student's history must not mix in the answers they grade elsewhere.
    mine = django_filters.ChoiceFilter(
        choices=[("teaching", "teaching"), ("own", "own")],
        method="filter_mine",
        label="teaching: submissions of courses you are staff of, never your own; "
        "own: your own submissions.",
    )

    class Meta:
        model = Submission
        fields = ("task", "course", "section", "user", "status", "mine")

    def filter_user(
        self, queryset: QuerySet[Submission], name: str, value: int
    ) -> QuerySet[Submission]:
        # Listing one student's submissions must not say which pseudonyms are theirs
        # (decision 0021): the rows masked from the caller are not found by user.
        # A group's submissions are each member's (decision 0030).
        shared = shared_with(value)
        rows = queryset.filter(shared)
        viewer = self.request.user if self.request is not None else None
        masked = Submission.objects.annotate_release_dates().masked_from(viewer)
        return rows.exclude(pk__in=masked.filter(shared).values("pk"))

    def filter_mine(
        self, queryset: QuerySet[Submission], name: str, value: str
    ) -> QuerySet[Submission]:
        user = self.request.user if self.request is not None else None
        if user is None or not user.is_authenticated:
            return queryset.none()
        if value == "own":
            return queryset.filter(shared_with(user.pk))
        taught = Enrollment.objects.staff().filter(user=user).values("course_id")
        return queryset.filter(course_id__in=taught).exclude(user=user)


class RegradeRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RegradeRequestStatus.choices)
    course = django_filters.CharFilter(field_name="course__slug", help_text="A course's slug.")
    task = django_filters.NumberFilter(field_name="task_id", help_text="A task's id.")
    submission = django_filters.NumberFilter(
        field_name="submission_id", help_text="A submission's id."
    )
    section = django_filters.NumberFilter(
        method=filter_section,
        help_text="A section's id: only the requests of students enrolled in it.",
    )

    class Meta:
        model = RegradeRequest
        fields = ("status", "course", "task", "submission", "section")


class GradingQueueFilter(django_filters.FilterSet):
    """Filters of ``GET grading/queue/``: ``course`` slug, ``section`` id, ``task`` id,
    ``assigned``."""

    course = django_filters.CharFilter(field_name="course__slug", help_text="A course's slug.")
    section = django_filters.NumberFilter(method=filter_section, help_text=SECTION_HELP)
    task = django_filters.NumberFilter(field_name="task_id", help_text="A task's id.")
    assigned = django_filters.ChoiceFilter(
        choices=[("me", "me"), ("none", "none"), ("any", "any")],
        method="filter_assigned",
        label="me: assigned to you; none: assigned to nobody; any (the default): all.",
    )

    class Meta:
        model = Submission
        fields = ("course", "section", "task", "assigned")

    def filter_assigned(
        self, queryset: QuerySet[Submission], name: str, value: str
    ) -> QuerySet[Submission]:
        if value == "me":
            user = self.request.user if self.request is not None else None
            return queryset.filter(assigned_to_id=getattr(user, "pk", None))
        if value == "none":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class TaskStartFilter(django_filters.FilterSet):
    user = django_filters.NumberFilter(
        field_name="user_id", help_text="The starts of this user id."
    )
    current = django_filters.BooleanFilter(
        method="filter_current",
        help_text="true: only the starts that count now; false: only restarted ones.",
    )

    class Meta:
        model = TaskStart
        fields = ("user", "current")

    def filter_current(
        self, queryset: QuerySet[TaskStart], name: str, value: bool
    ) -> QuerySet[TaskStart]:
        return queryset.filter(restarted_at__isnull=value)

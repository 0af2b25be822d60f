"""Filters of ``GET submissions/``: ``task``, ``course`` (slug), ``user``, ``status``."""

from __future__ import annotations

import django_filters

from learnplat.submissions.choices import SubmissionStatus
from learnplat.submissions.models import Submission


class SubmissionFilter(django_filters.FilterSet):
    task = django_filters.NumberFilter(field_name="task_id", help_text="A task's id.")
    course = django_filters.CharFilter(field_name="course__slug", help_text="A course's slug.")
    user = django_filters.NumberFilter(field_name="user_id", help_text="A user's id.")
    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices)

    class Meta:
        model = Submission
        fields = ("task", "course", "user", "status")

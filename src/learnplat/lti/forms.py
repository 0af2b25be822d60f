"""The forms of the LTI pages (plain Django forms: the pages are not API views)."""

from __future__ import annotations

from django import forms

from learnplat.courses.models import Course

#: The longest title a course may have (the model's column, the API's limit too).
COURSE_TITLE_MAX_LENGTH: int = Course._meta.get_field("title").max_length  # type: ignore[assignment]


class NewCourseForm(forms.Form):
    """The deep-linking page's "create a course for this LMS context": its title (stripped,
    required, at most :data:`COURSE_TITLE_MAX_LENGTH`, no NUL characters)."""

    title = forms.CharField(max_length=COURSE_TITLE_MAX_LENGTH)

"""factory-boy factories shared by the whole suite.

``UserFactory(role="instructor")`` works under every host shape: it sets the ``role`` field
where the user model has one, and joins the matching group where roles come from groups.
"""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from learnplat.conf import settings as lp_settings
from learnplat.roles import Role

PASSWORD = "correct-horse-battery-staple"

#: The roles the endpoint matrices test, relative to one course: a student in no course, the
#: student who owns the objects and another one, the course's assistant, an instructor of
#: another course, the course's instructor, a platform admin.
MATRIX_ROLES = (
    "anonymous",
    "outsider",
    "student",
    "other_student",
    "assistant",
    "other_instructor",
    "instructor",
    "admin",
)


def user_model_has_role_field() -> bool:
    return any(f.name == "role" for f in get_user_model()._meta.get_fields())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        role = kwargs.pop("role", Role.STUDENT)
        if user_model_has_role_field():
            kwargs["role"] = role
        user = super()._create(model_class, *args, **kwargs)
        if not user_model_has_role_field() and role != Role.STUDENT:
            group_name = lp_settings.ROLE_GROUPS[str(role)]
            group, _ = Group.objects.get_or_create(name=group_name)
            user.groups.add(group)
        return user


def make_user(role: str = Role.STUDENT, **kwargs: Any) -> Any:
    return UserFactory(role=role, **kwargs)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "learnplat_courses.Course"

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    description = "A course."
    status = "published"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "learnplat_courses.Task"

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Task {n}")
    kind = "exact"
    config = factory.LazyFunction(lambda: {"answers": ["4"], "case_sensitive": False})
    position = factory.Sequence(lambda n: n)
    max_score = 10.0
    is_published = True


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "learnplat_courses.Enrollment"

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    role = "student"
    status = "active"


def enroll(user: Any, course: Any, role: str = "student") -> Any:
    return EnrollmentFactory(user=user, course=course, role=role)


#: A platform registration's fields, as `lti/registrations/` takes them (tests/lti/).
LTI_REGISTRATION = {
    "name": "Moodle",
    "issuer": "https://moodle.example.edu",
    "client_id": "abc123",
    "auth_url": "https://moodle.example.edu/mod/lti/auth.php",
    "token_url": "https://moodle.example.edu/mod/lti/token.php",
    "keyset_url": "https://moodle.example.edu/mod/lti/certs.php",
    "deployment_ids": ["1"],
}

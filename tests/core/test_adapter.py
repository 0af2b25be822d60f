"""The adapter's domain hooks: who may enroll, a new course's slug, and what runs after a
submission or a grade; and get_adapter() itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from learnplat.adapter import DefaultAdapter, GroupRolesAdapter, get_adapter
from learnplat.courses.models import Course, Enrollment
from learnplat.exceptions import Conflict
from learnplat.flows import authoring
from learnplat.roles import Role
from learnplat.submissions.models import Evaluation, Submission
from tests.conftest import client_for
from tests.factories import CourseFactory, TaskFactory, enroll, make_user
from tests.overrides import LearnplatSettings

pytestmark = pytest.mark.django_db

seen: list[tuple[str, Any]] = []


def shape_base(settings: Any) -> type[DefaultAdapter]:
    path = settings.LEARNPLAT.get("ADAPTER", "learnplat.adapter.DefaultAdapter")
    return GroupRolesAdapter if path.endswith("GroupRolesAdapter") else DefaultAdapter


@pytest.fixture
def use_adapter(settings: Any, learnplat_settings: LearnplatSettings) -> Any:
    """Install ``hooks`` (a class of adapter methods) over the host shape's adapter."""

    def install(hooks: type) -> None:
        adapter = type(hooks.__name__, (hooks, shape_base(settings)), {})
        globals()[hooks.__name__ + "Installed"] = adapter
        learnplat_settings(ADAPTER=f"{__name__}.{hooks.__name__}Installed")
        seen.clear()

    return install


# -- get_adapter --------------------------------------------------------------------------


def test_get_adapter_builds_the_configured_class(use_adapter: Any) -> None:
    class Mine:
        pass

    use_adapter(Mine)

    assert type(get_adapter()).__name__ == "Mine"
    assert get_adapter() is not get_adapter()  # no state kept between calls


@pytest.mark.parametrize(
    "path", ["tests.core.test_adapter.nowhere", "learnplat.roles.Role", "no.such.module.Adapter"]
)
def test_get_adapter_refuses_what_is_not_an_adapter(
    learnplat_settings: LearnplatSettings, path: str
) -> None:
    learnplat_settings(ADAPTER=path)

    with pytest.raises(ImproperlyConfigured, match="ADAPTER"):
        get_adapter()


# -- may_enroll ---------------------------------------------------------------------------


class OnlyExampleEdu:
    def may_enroll(self, user: Any, course: Any) -> bool:
        seen.append(("may_enroll", user.username))
        return str(user.email).endswith("@example.edu")


class InvitationOnly:
    def may_enroll(self, user: Any, course: Any) -> bool:
        raise Conflict("Ask for an invitation first.", code="invitation_required")


def _enroll_url(course: Course) -> str:
    return f"/api/courses/{course.slug}/enroll/"


def test_may_enroll_false_is_a_403_and_enrolls_nobody(use_adapter: Any) -> None:
    use_adapter(OnlyExampleEdu)
    course = CourseFactory()
    refused = make_user(username="out", email="out@example.com")
    welcome = make_user(username="in", email="in@example.edu")

    no = client_for(refused).post(_enroll_url(course))
    yes = client_for(welcome).post(_enroll_url(course))

    assert no.status_code == 403
    assert no.json() == {
        "detail": "You may not enroll in this course.",
        "code": "enrollment_not_allowed",
    }
    assert yes.status_code == 201
    assert list(Enrollment.objects.values_list("user__username", flat=True)) == ["in"]
    assert seen == [("may_enroll", "out"), ("may_enroll", "in")]


def test_may_enroll_is_asked_after_learnplats_own_checks(use_adapter: Any) -> None:
    use_adapter(OnlyExampleEdu)
    closed = CourseFactory(enrollment_open=False)

    response = client_for(make_user(username="out")).post(_enroll_url(closed))

    assert response.status_code == 409
    assert response.json()["code"] == "enrollment_closed"
    assert seen == []


def test_may_enroll_may_raise_its_own_code(use_adapter: Any) -> None:
    use_adapter(InvitationOnly)

    response = client_for(make_user(username="u")).post(_enroll_url(CourseFactory()))

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Ask for an invitation first.",
        "code": "invitation_required",
    }
    assert not Enrollment.objects.exists()


def test_staff_additions_do_not_ask_may_enroll(use_adapter: Any) -> None:
    use_adapter(InvitationOnly)
    course = CourseFactory()
    instructor = make_user(Role.INSTRUCTOR, username="inst")
    enroll(instructor, course, "instructor")
    student = make_user(username="s")

    response = client_for(instructor).post(
        f"/api/courses/{course.slug}/enrollments/", {"user": student.pk}, format="json"
    )

    assert response.status_code == 201


# -- new_course_slug ----------------------------------------------------------------------


class PrefixedSlugs:
    def new_course_slug(self, *, title: str, creator: Any) -> str:
        return f"{creator.username}-{title.lower().replace(' ', '-')}"


class BrokenSlugs:
    def new_course_slug(self, *, title: str, creator: Any) -> str:
        return "not a slug!"


class LongSlugs:
    def new_course_slug(self, *, title: str, creator: Any) -> str:
        return "x" * 500


def test_new_course_slug_chooses_the_slug_and_learnplat_makes_it_unique(
    use_adapter: Any,
) -> None:
    use_adapter(PrefixedSlugs)
    ada = make_user(Role.INSTRUCTOR, username="ada")

    first = client_for(ada).post("/api/courses/", {"title": "Intro Maths"}, format="json")
    second = client_for(ada).post("/api/courses/", {"title": "Intro Maths"}, format="json")
    given = client_for(ada).post(
        "/api/courses/", {"title": "Intro Maths", "slug": "mine"}, format="json"
    )

    assert [first.json()["slug"], second.json()["slug"], given.json()["slug"]] == [
        "ada-intro-maths",
        "ada-intro-maths-2",
        "mine",
    ]


def test_a_long_slug_is_shortened_to_fit(use_adapter: Any) -> None:
    use_adapter(LongSlugs)
    ada = make_user(Role.INSTRUCTOR, username="ada")

    course = authoring.create_course(creator=ada, title="T")
    again = authoring.create_course(creator=ada, title="T")

    assert len(again.slug) <= Course._meta.get_field("slug").max_length
    assert again.slug == f"{course.slug}-2"


def test_an_adapter_slug_that_is_no_slug_is_a_host_bug(use_adapter: Any) -> None:
    use_adapter(BrokenSlugs)
    ada = make_user(Role.INSTRUCTOR, username="ada")

    with pytest.raises(ValueError, match="new_course_slug"):
        authoring.create_course(creator=ada, title="T")
    assert not Course.objects.exists()


# -- save_extra of nested writes ----------------------------------------------------------


class ExtraRecorder:
    def save_extra(self, *, key: str, instance: Any, data: Any) -> None:
        seen.append((key, instance.title, dict(data)))


def test_the_tasks_of_a_nested_create_are_task_create_writes(use_adapter: Any) -> None:
    use_adapter(ExtraRecorder)
    ada = make_user(Role.INSTRUCTOR, username="ada")
    tasks = [
        {"title": "One", "kind": "exact", "config": {"answers": ["1"]}, "colour": "red"},
        {"title": "Two", "kind": "exact", "config": {"answers": ["2"]}, "prerequisites": [0]},
    ]

    course = authoring.create_course(creator=ada, title="Nested", tasks=tasks, extra={"x": 1})

    assert seen == [
        ("course_create", "Nested", {"x": 1}),
        ("task_create", "One", {"colour": "red"}),
        ("task_create", "Two", {}),
    ]
    assert [t.title for t in course.tasks.order_by("position")] == ["One", "Two"]


# -- after_submit and after_grade ---------------------------------------------------------


class Observer:
    def after_submit(self, *, submission: Any) -> None:
        seen.append(("after_submit", submission.pk, submission.status))

    def after_grade(self, *, submission: Any, evaluation: Any) -> None:
        seen.append(("after_grade", evaluation.trigger, evaluation.score))


class RefusingSubmit:
    def after_submit(self, *, submission: Any) -> None:
        raise Conflict("Submissions are paused for the exam.", code="submissions_paused")


class BrokenGrade:
    def after_grade(self, *, submission: Any, evaluation: Any) -> None:
        if evaluation.trigger == "manual":
            raise RuntimeError("grade hook broke")


@pytest.fixture
def classroom() -> dict[str, Any]:
    course = CourseFactory()
    student = make_user(username="s")
    instructor = make_user(Role.INSTRUCTOR, username="i")
    enroll(student, course, "student")
    enroll(instructor, course, "instructor")
    return {"task": TaskFactory(course=course), "student": student, "instructor": instructor}


def test_after_submit_and_after_grade_run_for_each_submission_and_grade(
    use_adapter: Any, classroom: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    use_adapter(Observer)
    task = classroom["task"]

    with django_capture_on_commit_callbacks(execute=True):
        created = client_for(classroom["student"]).post(
            f"/api/tasks/{task.pk}/submissions/", {"answer": "4"}, format="json"
        )
    submission_id = created.json()["id"]
    graded = client_for(classroom["instructor"]).post(
        f"/api/submissions/{submission_id}/grade/", {"score": 3}, format="json"
    )

    assert created.status_code == 201
    assert graded.status_code == 200
    assert seen == [
        ("after_submit", submission_id, "queued"),
        ("after_grade", "submit", 10.0),
        ("after_grade", "manual", 3.0),
    ]


def test_after_submit_is_not_called_for_an_idempotent_replay(
    use_adapter: Any, classroom: dict[str, Any]
) -> None:
    use_adapter(Observer)
    client = client_for(classroom["student"])
    path = f"/api/tasks/{classroom['task'].pk}/submissions/"

    first = client.post(path, {"answer": "4"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post(path, {"answer": "4"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert [entry[0] for entry in seen].count("after_submit") == 1


def test_a_domain_error_in_after_submit_refuses_the_submission(
    use_adapter: Any, classroom: dict[str, Any]
) -> None:
    use_adapter(RefusingSubmit)

    response = client_for(classroom["student"]).post(
        f"/api/tasks/{classroom['task'].pk}/submissions/", {"answer": "4"}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Submissions are paused for the exam.",
        "code": "submissions_paused",
    }
    assert not Submission.objects.exists()


def test_a_broken_after_grade_rolls_the_grade_back(
    use_adapter: Any, classroom: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    use_adapter(BrokenGrade)
    with django_capture_on_commit_callbacks(execute=True):
        submission_id = (
            client_for(classroom["student"])
            .post(f"/api/tasks/{classroom['task'].pk}/submissions/", {"answer": "4"}, format="json")
            .json()["id"]
        )
    before = Submission.objects.values("score", "feedback", "manually_graded").get()

    with pytest.raises(RuntimeError, match="grade hook broke"):
        client_for(classroom["instructor"]).post(
            f"/api/submissions/{submission_id}/grade/", {"score": 1}, format="json"
        )

    assert Submission.objects.values("score", "feedback", "manually_graded").get() == before
    assert not Evaluation.objects.filter(trigger="manual").exists()

"""Per-section scoping (API.md, Sections): an assistant who is staff of sections of a course
sees only those sections' students in the gradebook (JSON and CSV), the grading queue and
the submission list; an assistant staff of no section, instructors and platform admins see
every student, and anyone of them may pass ``?section=``. Every role, bad filters, and query
counts at two sizes with the filter and with a scoped assistant."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learnplat.courses.models import Enrollment, Section
from learnplat.flows import evaluate as evaluate_flow
from learnplat.flows import sections as sections_flow
from learnplat.flows.submit import submit
from learnplat.roles import Role
from learnplat.submissions.models import Submission
from tests.courses.conftest import World, url
from tests.factories import TaskFactory, enroll, make_user

pytestmark = pytest.mark.django_db

QUEUE = "/api/grading/queue/"
SUBMISSIONS = "/api/submissions/"


class Scene:
    """The world with two sections: ``a`` (staff: ``assistant``) holding ``student`` and
    ``b`` (staff: the instructor) holding ``other_student``; ``loner`` is in no section;
    ``free_assistant`` assists the course and is staff of no section. Each student has a
    submission of ``essay`` waiting for review."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.free_assistant = make_user(Role.STUDENT, username="free_assistant")
        enroll(self.free_assistant, world.course, "assistant")
        self.loner = make_user(Role.STUDENT, username="loner")
        enroll(self.loner, world.course)
        self.essay = TaskFactory(
            course=world.course, kind="manual", config={}, title="Essay", is_published=True
        )
        self.a = sections_flow.create_section(
            course=world.course, name="A", staff=[world.assistant.pk]
        )
        self.b = sections_flow.create_section(
            course=world.course, name="B", staff=[world.instructor.pk]
        )
        self.put(world.student, self.a)
        self.put(world.other_student, self.b)
        self.submissions = {
            user.username: self.waiting(user)
            for user in (world.student, world.other_student, self.loner)
        }

    def put(self, user: Any, section: Section | None) -> None:
        enrollment = Enrollment.objects.get(course=self.world.course, user=user)
        sections_flow.assign_section(enrollment=enrollment, section=section)

    def waiting(self, user: Any) -> Submission:
        submission = submit(user=user, task=self.essay, answer="my essay").submission
        evaluate_flow.run_evaluation(submission.pk)
        return submission

    def add_students(self, count: int, start: int) -> None:
        """``count`` more students, alternately in ``a``, ``b`` and none, each waiting."""
        for n in range(start, start + count):
            user = make_user(Role.STUDENT, username=f"learner{n}")
            enroll(user, self.world.course)
            self.put(user, (self.a, self.b, None)[n % 3])
            self.waiting(user)

    def user(self, who: str) -> Any:
        return self.free_assistant if who == "free_assistant" else self.world.user(who)

    def client(self, who: str) -> Any:
        return self.world.client(self.user(who))


@pytest.fixture
def scene(world: World) -> Scene:
    return Scene(world)


def gradebook_url() -> str:
    return url("course-gradebook", "intro")


def gradebook_users(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["user"]["username"] for row in response.json()["results"]}


def csv_users(response: Any) -> set[str]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    _header, *rows = csv.reader(io.StringIO(text))
    return {row[1] for row in rows}


def submission_users(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["student"]["username"] for row in response.json()["results"]}


EVERYONE = {"student", "other_student", "loner"}
#: What each role sees without a filter (None: the list is not theirs).
SEES: dict[str, set[str] | None] = {
    "instructor": EVERYONE,
    "admin": EVERYONE,
    "free_assistant": EVERYONE,
    "assistant": {"student"},
    "student": None,
    "outsider": None,
}


@pytest.mark.parametrize("who", list(SEES))
def test_gradebook_rows_by_role(scene: Scene, who: str) -> None:
    response = scene.client(who).get(gradebook_url())
    if SEES[who] is None:
        assert response.status_code == 403
        return
    assert gradebook_users(response) == SEES[who]


@pytest.mark.parametrize("who", list(SEES))
def test_gradebook_csv_by_role(scene: Scene, who: str) -> None:
    response = scene.client(who).get(gradebook_url(), {"format": "csv"})
    if SEES[who] is None:
        assert response.status_code == 403
        assert response["Content-Type"] == "application/json"
        return
    assert csv_users(response) == SEES[who]


@pytest.mark.parametrize("who", list(SEES))
def test_queue_by_role(scene: Scene, who: str) -> None:
    response = scene.client(who).get(QUEUE)
    assert submission_users(response) == (SEES[who] or set())


@pytest.mark.parametrize("who", list(SEES))
def test_submission_list_by_role(scene: Scene, who: str) -> None:
    response = scene.client(who).get(SUBMISSIONS)
    # A student sees their own; the outsider nothing.
    expected = {"student": {"student"}, "outsider": set()}.get(who, SEES[who])
    assert submission_users(response) == expected


@pytest.mark.parametrize("who", ["instructor", "admin", "free_assistant", "assistant"])
def test_the_section_filter_everywhere(scene: Scene, who: str) -> None:
    client = scene.client(who)
    a, b = scene.a.pk, scene.b.pk
    in_a = {"student"}
    # The scoped assistant filtering on a section they are not staff of sees nobody.
    in_b = set() if who == "assistant" else {"other_student"}
    assert gradebook_users(client.get(gradebook_url(), {"section": a})) == in_a
    assert gradebook_users(client.get(gradebook_url(), {"section": b})) == in_b
    assert csv_users(client.get(gradebook_url(), {"section": b, "format": "csv"})) == in_b
    assert submission_users(client.get(QUEUE, {"section": a})) == in_a
    assert submission_users(client.get(QUEUE, {"section": b})) == in_b
    assert submission_users(client.get(SUBMISSIONS, {"section": a})) == in_a
    assert submission_users(client.get(SUBMISSIONS, {"section": b})) == in_b


def test_a_student_filtering_by_section_sees_only_their_own(scene: Scene) -> None:
    client = scene.client("student")
    assert submission_users(client.get(SUBMISSIONS, {"section": scene.a.pk})) == {"student"}
    assert submission_users(client.get(SUBMISSIONS, {"section": scene.b.pk})) == set()
    assert submission_users(client.get(QUEUE, {"section": scene.a.pk})) == set()


@pytest.mark.parametrize("value", ["abc", "²", "-1", "999999"])
def test_a_bad_gradebook_section_is_a_400(scene: Scene, value: str) -> None:
    response = scene.client("instructor").get(gradebook_url(), {"section": value})
    assert response.status_code == 400
    assert response.json() == {"section": ["Not a section of this course."]}


def test_a_section_of_another_course_is_a_400_on_the_gradebook(scene: Scene) -> None:
    other = sections_flow.create_section(course=scene.world.other_course, name="X")
    response = scene.client("instructor").get(gradebook_url(), {"section": other.pk})
    assert response.status_code == 400
    response = scene.client("instructor").get(
        gradebook_url(), {"section": other.pk, "format": "csv"}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", [QUEUE, SUBMISSIONS])
def test_a_non_numeric_list_section_is_a_400(scene: Scene, path: str) -> None:
    response = scene.client("instructor").get(path, {"section": "abc"})
    assert response.status_code == 400
    assert "section" in response.json()


def test_scoping_is_per_course(scene: Scene) -> None:
    """Staff of a section in one course, the assistant still sees every student of a course
    where they are staff of no section."""
    world = scene.world
    enroll(world.assistant, world.other_course, "assistant")
    elsewhere = TaskFactory(course=world.other_course, kind="manual", config={})
    enroll(world.outsider, world.other_course)
    theirs = submit(user=world.outsider, task=elsewhere, answer="x").submission
    evaluate_flow.run_evaluation(theirs.pk)
    client = scene.client("assistant")
    assert submission_users(client.get(QUEUE)) == {"student", "outsider"}
    assert submission_users(client.get(SUBMISSIONS)) == {"student", "outsider"}


def test_an_inactive_assistant_or_an_instructor_in_a_section_is_not_scoped(
    scene: Scene,
) -> None:
    # The instructor is staff of section b and still sees everyone.
    assert gradebook_users(scene.client("instructor").get(gradebook_url())) == EVERYONE
    # A section removed from the assistant unscopes them.
    sections_flow.update_section(section=scene.a, staff=[])
    assert gradebook_users(scene.client("assistant").get(gradebook_url())) == EVERYONE


def test_a_scoped_assistant_still_reads_a_submission_by_id(scene: Scene) -> None:
    """Scoping narrows the lists; reading one submission stays the course staff's right."""
    theirs = scene.submissions["other_student"]
    assert scene.client("assistant").get(f"{SUBMISSIONS}{theirs.pk}/").status_code == 200


# -- query counts ------------------------------------------------------------------------------


def count(client: Any, path: str, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, response.content
    return len(captured)


CASES: list[tuple[str, Callable[[Scene], dict[str, Any]]]] = [
    ("assistant", lambda scene: {}),
    ("instructor", lambda scene: {"section": scene.a.pk}),
    ("assistant", lambda scene: {"section": scene.a.pk}),
    ("free_assistant", lambda scene: {"section": scene.b.pk}),
]


@pytest.mark.parametrize(("who", "params"), CASES)
@pytest.mark.parametrize(
    ("path", "extra"),
    [
        (gradebook_url, {}),
        (gradebook_url, {"format": "csv"}),
        (lambda: QUEUE, {}),
        (lambda: SUBMISSIONS, {}),
    ],
)
def test_query_count_does_not_grow(
    scene: Scene,
    who: str,
    params: Callable[[Scene], dict[str, Any]],
    path: Callable[[], str],
    extra: dict[str, Any],
    django_assert_num_queries: Any,
) -> None:
    client = scene.client(who)
    query = {**params(scene), **extra}
    small = count(client, path(), query)
    scene.add_students(9, 0)
    with django_assert_num_queries(small):
        response = client.get(path(), query)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    if "format" not in extra:
        assert len(response.json()["results"]) == 4


# -- regrade requests ----------------------------------------------------------------------

REGRADES = "/api/regrade-requests/"


def ask_for_regrades(scene: Scene, users: list[Any]) -> None:
    """Grade each user's essay and have them ask for a regrade."""
    from learnplat.flows import grading, regrade_requests

    for user in users:
        submission = Submission.objects.get(task=scene.essay, user=user)
        grading.grade(submission=submission, by=scene.world.instructor, score=5)
        regrade_requests.file_request(submission=submission, user=user, reason="Look again")


@pytest.fixture
def regrades(scene: Scene) -> Scene:
    world = scene.world
    ask_for_regrades(scene, [world.student, world.other_student, scene.loner])
    return scene


@pytest.mark.parametrize("who", list(SEES))
def test_regrade_request_list_by_role(regrades: Scene, who: str) -> None:
    response = regrades.client(who).get(REGRADES)
    # A student sees their own request; the outsider nothing.
    expected = {"student": {"student"}, "outsider": set()}.get(who, SEES[who])
    assert submission_users(response) == expected


@pytest.mark.parametrize("who", ["instructor", "admin", "free_assistant", "assistant"])
def test_the_section_filter_on_regrade_requests(regrades: Scene, who: str) -> None:
    client = regrades.client(who)
    assert submission_users(client.get(REGRADES, {"section": regrades.a.pk})) == {"student"}
    in_b = set() if who == "assistant" else {"other_student"}
    assert submission_users(client.get(REGRADES, {"section": regrades.b.pk})) == in_b


def test_a_scoped_assistant_still_reads_and_answers_a_request_by_id(regrades: Scene) -> None:
    from learnplat.submissions.models import RegradeRequest

    theirs = RegradeRequest.objects.get(user=regrades.world.other_student)
    assert regrades.client("assistant").get(f"{REGRADES}{theirs.pk}/").status_code == 200


@pytest.mark.parametrize(("who", "params"), CASES)
def test_regrade_request_list_queries_do_not_grow(
    regrades: Scene,
    who: str,
    params: Callable[[Scene], dict[str, Any]],
    django_assert_num_queries: Any,
) -> None:
    client = regrades.client(who)
    query = params(regrades)
    small = count(client, REGRADES, query)
    regrades.add_students(9, 0)
    learners = Enrollment.objects.filter(
        course=regrades.world.course, user__username__startswith="learner"
    ).select_related("user")
    ask_for_regrades(regrades, [enrollment.user for enrollment in learners])
    with django_assert_num_queries(small):
        response = client.get(REGRADES, query)
    assert len(response.json()["results"]) == 4

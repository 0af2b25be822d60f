"""Cached reads (learnplat.cache, decision 0035): a write is seen by the next read of every
role, one caller's body is never another's, a failing backend degrades to uncached reads,
ETags stay right, and a hit runs only the authorization queries."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from learnplat import cache
from learnplat.courses.models import AssignmentGroup, Enrollment, Extension
from learnplat.flows.submit import submit
from tests.factories import TaskFactory
from tests.overrides import LearnplatSettings
from tests.world import World

pytestmark = pytest.mark.django_db

READERS = ("instructor", "assistant", "student", "other_student", "outsider", "anonymous")


def reads(world: World, reader: str) -> list[str]:
    """The cached reads ``reader`` gets an answer from (errors are compared too)."""
    student = world.student.pk
    progress = "/api/courses/intro/progress/"
    staff = reader in ("instructor", "assistant")
    return [
        "/api/courses/",
        "/api/courses/?mine=enrolled",
        "/api/courses/intro/",
        "/api/courses/intro/tasks/",
        f"/api/tasks/{world.task.pk}/",
        f"/api/tasks/{world.hidden_task.pk}/",
        f"{progress}?user={student}" if staff else progress,
        "/api/progress/",
    ]


def snapshot(world: World, reader: str) -> dict[str, tuple[int, Any]]:
    client = world.client(reader)
    answers = {}
    for path in reads(world, reader):
        response = client.get(path)
        answers[path] = (response.status_code, response.content)
    return answers


def uncached(world: World, reader: str, learnplat_settings: LearnplatSettings) -> dict[str, Any]:
    learnplat_settings(CACHE={"ENABLED": False})
    try:
        return snapshot(world, reader)
    finally:
        learnplat_settings.reset()


def ok(response: Any) -> None:
    assert response.status_code < 300, response.content


# -- every write endpoint -------------------------------------------------------------------------


def _submit(w: World) -> None:
    ok(w.client("student").post(f"/api/tasks/{w.task.pk}/submissions/", {"answer": "4"}, "json"))


def _grade(w: World) -> None:
    submission = submit(user=w.student, task=w.task, answer="3").submission
    ok(
        w.client("instructor").post(
            f"/api/submissions/{submission.pk}/grade/", {"score": 7}, "json"
        )
    )


def _released_after_due(w: World) -> None:
    """Scores released after the due date, which was yesterday, and a graded answer: the
    student's progress shows the score until an extension moves their release past now."""
    w.task.release = "after_due"
    w.task.due_at = timezone.now() - timedelta(days=1)
    w.task.save()
    submit(user=w.student, task=w.task, answer="4")


def _extension(w: World) -> Any:
    return w.client("instructor").post(
        "/api/courses/intro/extensions/",
        {"user": w.student.pk, "due_at": (timezone.now() + timedelta(days=3)).isoformat()},
        "json",
    )


def _released_after_due_with_extension(w: World) -> None:
    _released_after_due(w)
    ok(_extension(w))


def _extension_delete(w: World) -> None:
    extension = Extension.objects.get(user=w.student)
    ok(w.client("instructor").delete(f"/api/extensions/{extension.pk}/"))


def _publish(w: World) -> None:
    TaskFactory(course=w.draft, is_published=True)
    ok(w.client("instructor").post("/api/courses/secret/publish/"))


def _release(w: World) -> None:
    ok(w.client("instructor").patch(f"/api/tasks/{w.task.pk}/", {"release": "manual"}, "json"))
    submit(user=w.student, task=w.task, answer="4")
    ok(w.client("instructor").post(f"/api/tasks/{w.task.pk}/release/"))


def _group(w: World) -> int:
    made = w.client("instructor").post("/api/courses/intro/groups/", {"name": "Quizzes"}, "json")
    ok(made)
    return int(made.json()["id"])


def _grouped_task(w: World) -> None:
    """The task in a group, so the group's name and figures are in the progress bodies."""
    ok(w.client("instructor").patch(f"/api/tasks/{w.task.pk}/", {"group": _group(w)}, "json"))


def _the_group(w: World) -> int:
    return AssignmentGroup.objects.get(course=w.course).pk


#: (method, path pattern of the schema) -> a write through that endpoint that changes what
#: a cached read shows.
WRITES: dict[tuple[str, str], Callable[[World], Any]] = {
    ("PATCH", "/api/courses/{slug}/"): lambda w: ok(
        w.client("instructor").patch("/api/courses/intro/", {"title": "Renamed"}, "json")
    ),
    ("PUT", "/api/courses/{slug}/"): lambda w: ok(
        w.client("instructor").put(
            "/api/courses/intro/", {"title": "Put", "description": "New"}, "json"
        )
    ),
    ("DELETE", "/api/courses/{slug}/"): lambda w: ok(
        w.client("instructor").delete("/api/courses/intro/")
    ),
    ("POST", "/api/courses/"): lambda w: ok(
        w.client("instructor").post("/api/courses/", {"title": "Brand new"}, "json")
    ),
    ("POST", "/api/courses/{slug}/archive/"): lambda w: ok(
        w.client("instructor").post("/api/courses/intro/archive/")
    ),
    ("POST", "/api/courses/{slug}/publish/"): lambda w: _publish(w),
    ("POST", "/api/courses/{slug}/enroll/"): lambda w: ok(
        w.client("outsider").post("/api/courses/intro/enroll/")
    ),
    ("DELETE", "/api/courses/{slug}/enroll/"): lambda w: ok(
        w.client("student").delete("/api/courses/intro/enroll/")
    ),
    ("POST", "/api/courses/{slug}/enrollments/"): lambda w: ok(
        w.client("instructor").post(
            "/api/courses/intro/enrollments/", {"user": w.outsider.pk, "role": "student"}, "json"
        )
    ),
    ("POST", "/api/courses/{slug}/tasks/"): lambda w: ok(
        w.client("instructor").post(
            "/api/courses/intro/tasks/",
            {"title": "New", "kind": "exact", "config": {"answers": ["x"]}, "is_published": True},
            "json",
        )
    ),
    ("POST", "/api/courses/{slug}/tasks/reorder/"): lambda w: ok(
        w.client("instructor").post(
            "/api/courses/intro/tasks/reorder/",
            {"order": [w.hidden_task.pk, w.task.pk]},
            "json",
        )
    ),
    ("PATCH", "/api/tasks/{id}/"): lambda w: ok(
        w.client("instructor").patch(
            f"/api/tasks/{w.hidden_task.pk}/", {"is_published": True}, "json"
        )
    ),
    ("DELETE", "/api/tasks/{id}/"): lambda w: ok(
        w.client("instructor").delete(f"/api/tasks/{w.task.pk}/")
    ),
    ("POST", "/api/tasks/{id}/release/"): lambda w: _release(w),
    ("POST", "/api/tasks/{task_pk}/submissions/"): _submit,
    ("POST", "/api/submissions/{id}/grade/"): _grade,
    ("POST", "/api/courses/{slug}/extensions/"): lambda w: ok(_extension(w)),
    ("DELETE", "/api/extensions/{id}/"): _extension_delete,
    ("PATCH", "/api/courses/{slug}/groups/{id}/"): lambda w: ok(
        w.client("instructor").patch(
            f"/api/courses/intro/groups/{_the_group(w)}/", {"name": "Labs"}, "json"
        )
    ),
    ("PUT", "/api/courses/{slug}/groups/{id}/"): lambda w: ok(
        w.client("instructor").put(
            f"/api/courses/intro/groups/{_the_group(w)}/", {"name": "Labs", "weight": 10}, "json"
        )
    ),
    ("DELETE", "/api/courses/{slug}/groups/{id}/"): lambda w: ok(
        w.client("instructor").delete(f"/api/courses/intro/groups/{_the_group(w)}/")
    ),
    ("PATCH", "/api/auth/me/"): lambda w: ok(
        w.client("instructor").patch("/api/auth/me/", {"first_name": "Ada"}, "json")
    ),
    ("PATCH", "/api/users/{id}/"): lambda w: ok(
        # An admin sees drafts: the outsider's catalog gains the draft course.
        w.client("admin").patch(f"/api/users/{w.outsider.pk}/", {"role": "admin"}, "json")
    ),
}

#: What a write case needs before the first reads, so that its write changes a cached body.
SETUPS: dict[tuple[str, str], Callable[[World], Any]] = {
    ("POST", "/api/courses/{slug}/extensions/"): _released_after_due,
    ("DELETE", "/api/extensions/{id}/"): _released_after_due_with_extension,
    ("PATCH", "/api/courses/{slug}/groups/{id}/"): _grouped_task,
    ("PUT", "/api/courses/{slug}/groups/{id}/"): _grouped_task,
    ("DELETE", "/api/courses/{slug}/groups/{id}/"): _grouped_task,
}

#: Write endpoints whose next-read freshness this table does not exercise yet, each with
#: why. They invalidate through the same model receivers as the ones above (every model a
#: cached body shows is connected: test_every_shown_model_has_a_course); the table grows.
NOT_EXERCISED: dict[tuple[str, str], str] = {
    ("POST", "/api/courses/{slug}/groups/"): "a group with no task is in no cached body",
    ("POST", "/api/courses/{slug}/rubrics/"): "a rubric no task uses is in no cached body",
    ("DELETE", "/api/courses/{slug}/rubrics/{id}/"): "only a rubric no task uses is deleted",
    ("POST", "/api/auth/logout/"): "changes no cached body",
    ("POST", "/api/auth/password/"): "changes no cached body",
    ("POST", "/api/auth/register/"): "a new user is in no body",
    ("POST", "/api/auth/token/"): "changes no cached body",
    ("POST", "/api/auth/token/refresh/"): "changes no cached body",
    ("POST", "/api/auth/token/verify/"): "changes no cached body",
    ("POST", "/api/courses/{slug}/grading/preview/"): "writes nothing",
    ("POST", "/api/notifications/read/"): "notifications are not cached",
    ("POST", "/api/lti/registrations/"): "LTI registrations are in no cached body",
    ("PUT", "/api/lti/registrations/{id}/"): "LTI registrations are in no cached body",
    ("PATCH", "/api/lti/registrations/{id}/"): "LTI registrations are in no cached body",
    ("DELETE", "/api/lti/registrations/{id}/"): "LTI registrations are in no cached body",
    ("POST", "/api/lti/session/"): "changes no cached body",
    ("PATCH", "/api/notifications/preferences/"): "notifications are not cached",
    ("POST", "/api/submissions/{id}/claim/"): "claims show in the queue only",
    ("DELETE", "/api/submissions/{id}/claim/"): "claims show in the queue only",
    ("POST", "/api/courses/{slug}/grading/assign/"): "assignments show in the queue only",
    ("POST", "/api/submissions/{submission_pk}/comments/"): "comments are not cached",
    ("POST", "/api/tasks/{task_pk}/start/"): "starts show in accommodations/me only",
    ("POST", "/api/groups/{id}/invite/"): "invitations are not cached",
    ("POST", "/api/groups/{id}/decline/"): "invitations are not cached",
    ("POST", "/api/webhooks/endpoints/"): "webhooks are not cached",
    ("PATCH", "/api/webhooks/endpoints/{id}/"): "webhooks are not cached",
    ("DELETE", "/api/webhooks/endpoints/{id}/"): "webhooks are not cached",
    ("POST", "/api/webhooks/endpoints/{id}/rotate-secret/"): "webhooks are not cached",
    ("POST", "/api/webhooks/deliveries/{id}/replay/"): "webhooks are not cached",
    # Receivers on Accommodation, Section, GroupSet, StudentGroup, GroupMembership,
    # Rubric*, RegradeRequest, Submission; not yet driven through the API here:
    ("POST", "/api/courses/{slug}/accommodations/"): "model receiver (Accommodation)",
    ("PATCH", "/api/courses/{slug}/accommodations/{id}/"): "model receiver (Accommodation)",
    ("DELETE", "/api/courses/{slug}/accommodations/{id}/"): "model receiver (Accommodation)",
    ("POST", "/api/courses/{slug}/gradebook/import/"): "model receiver (Submission)",
    ("POST", "/api/courses/{slug}/group-sets/"): "model receiver (GroupSet)",
    ("PUT", "/api/courses/{slug}/group-sets/{id}/"): "model receiver (GroupSet)",
    ("PATCH", "/api/courses/{slug}/group-sets/{id}/"): "model receiver (GroupSet)",
    ("DELETE", "/api/courses/{slug}/group-sets/{id}/"): "model receiver (GroupSet)",
    ("PUT", "/api/courses/{slug}/rubrics/{id}/"): "model receiver (Rubric) + changed()",
    ("PATCH", "/api/courses/{slug}/rubrics/{id}/"): "model receiver (Rubric) + changed()",
    ("POST", "/api/courses/{slug}/rubrics/{id}/copy/"): "model receiver (Rubric) + changed()",
    ("POST", "/api/courses/{slug}/sections/"): "model receiver (Section) + changed()",
    ("PUT", "/api/courses/{slug}/sections/{id}/"): "model receiver (Section) + changed()",
    ("PATCH", "/api/courses/{slug}/sections/{id}/"): "model receiver (Section) + changed()",
    ("DELETE", "/api/courses/{slug}/sections/{id}/"): "model receiver (Section)",
    ("POST", "/api/grader/results/"): "model receiver (Submission) + progress changed()",
    ("POST", "/api/group-sets/{set_pk}/groups/"): "model receiver (StudentGroup)",
    ("PATCH", "/api/groups/{id}/"): "model receiver (StudentGroup, GroupMembership)",
    ("DELETE", "/api/groups/{id}/"): "model receiver (StudentGroup)",
    ("POST", "/api/groups/{id}/accept/"): "model receiver (GroupMembership) + changed()",
    ("POST", "/api/groups/{id}/leave/"): "model receiver (GroupMembership)",
    ("POST", "/api/regrade-requests/{id}/resolve/"): "model receiver (RegradeRequest)",
    ("POST", "/api/submissions/{id}/regrade/"): "model receiver (Submission) + progress",
    ("POST", "/api/submissions/{submission_pk}/regrade-requests/"): "model receiver",
    ("POST", "/api/tasks/{task_pk}/regrade/"): "model receiver (Submission) + progress",
    ("PATCH", "/api/courses/{slug}/enrollments/{id}/"): "model receiver (Enrollment)",
    ("POST", "/api/courses/{slug}/sections/assign/"): "bulk_update + changed()",
    ("DELETE", "/api/tasks/{task_pk}/starts/{user_id}/"): "starts show in accommodations/me only",
}


def test_the_tables_name_every_write_endpoint_of_the_api() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    endpoints = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    }
    assert set(WRITES) | set(NOT_EXERCISED) == endpoints
    assert not set(WRITES) & set(NOT_EXERCISED)


@pytest.mark.parametrize("write", list(WRITES), ids=" ".join)
def test_the_next_read_after_a_write_is_fresh_for_every_reader(
    world: World, learnplat_settings: LearnplatSettings, write: tuple[str, str]
) -> None:
    if write in SETUPS:
        SETUPS[write](world)
    before = {reader: snapshot(world, reader) for reader in READERS}
    warm = snapshot(world, "student")
    assert warm == before["student"]  # served again, from the cache

    WRITES[write](world)

    changed = []
    for reader in READERS:
        seen = snapshot(world, reader)
        assert seen == uncached(world, reader, learnplat_settings), reader
        changed += [path for path in seen if seen[path] != before[reader].get(path)]
    # A write no cached read shows would pass with invalidation off: the case must show it.
    assert changed, "the write changed no cached read; make the case change one"


# -- invalidation paths outside the API -----------------------------------------------------------


def test_every_shown_model_has_a_course() -> None:
    """A model a cached body may show must lead to its course, or be listed in NOT_SHOWN."""
    assert {cache._label(m) for m, path in cache.shown_models().items() if path is None} == set()


def test_a_save_outside_any_flow_is_seen(world: World) -> None:
    client = world.client("student")
    client.get("/api/courses/intro/tasks/")
    world.task.title = "From the admin"
    world.task.save()
    assert client.get("/api/courses/intro/tasks/").json()["results"][0]["title"] == "From the admin"


def test_a_queryset_update_is_seen_once_changed_is_called(world: World) -> None:
    client = world.client("student")
    client.get("/api/courses/intro/tasks/")
    type(world.task).objects.filter(pk=world.task.pk).update(title="Bulk")
    stale = client.get("/api/courses/intro/tasks/").json()["results"][0]["title"]
    cache.changed(course=world.course)
    assert stale != "Bulk"  # update() sends no signal: the reason changed() exists
    assert client.get("/api/courses/intro/tasks/").json()["results"][0]["title"] == "Bulk"


def test_a_name_change_of_a_user_reaches_other_users_bodies(world: World) -> None:
    client = world.client("anonymous")
    client.get("/api/courses/")
    world.instructor.first_name = "Grace"
    world.instructor.save()
    assert b"Grace" in client.get("/api/courses/").content


def test_a_release_at_the_due_date_is_not_hidden_by_the_cache(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    task = world.task
    task.release, task.due_at = "after_due", timezone.now() + timedelta(hours=1)
    task.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit(user=world.student, task=task, answer="4")
    client = world.client("student")
    before = client.get("/api/courses/intro/progress/").json()
    assert before["tasks"][0]["best_score"] is None
    later = timezone.now() + timedelta(hours=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        after = client.get("/api/courses/intro/progress/").json()
    assert after["tasks"][0]["best_score"] == 10


# -- isolation -------------------------------------------------------------------------------------


def test_one_students_progress_is_never_served_to_another(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        submit(user=world.student, task=world.task, answer="4")
        submit(user=world.other_student, task=world.task, answer="wrong")
    path = "/api/courses/intro/progress/"
    mine = world.client("student").get(path).json()
    theirs = world.client("other_student").get(path).json()
    assert mine["user"]["id"] == world.student.pk
    assert theirs["user"]["id"] == world.other_student.pk
    assert mine["score"] != theirs["score"]
    assert world.client("student").get("/api/progress/").json() != (
        world.client("other_student").get("/api/progress/").json()
    )


def test_authorization_runs_on_a_hit(world: World) -> None:
    client = world.client("student")
    assert client.get("/api/courses/intro/tasks/").status_code == 200
    assert client.get(f"/api/tasks/{world.task.pk}/").status_code == 200
    Enrollment.objects.filter(user=world.student, course=world.course).update(status="dropped")
    # No invalidation on purpose: the membership check itself must refuse.
    assert client.get("/api/courses/intro/tasks/").status_code in (403, 404)
    assert client.get(f"/api/tasks/{world.task.pk}/").status_code == 404
    assert client.get("/api/courses/intro/progress/").status_code == 403


def test_the_browsable_api_is_never_cached(world: World) -> None:
    client = world.client("student")
    client.get("/api/courses/", HTTP_ACCEPT="text/html")
    assert not any(k.startswith(":1:learnplat:cache:1:body") for k in _locmem_keys())


def _locmem_keys() -> list[str]:
    from django.core.cache import caches

    backend = caches["default"]
    assert isinstance(backend, LocMemCache)
    return list(getattr(backend, "_cache"))  # noqa: B009 (private to LocMemCache)


# -- ETags and query counts ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/courses/", "/api/courses/intro/", "/api/progress/"])
def test_a_current_tag_on_a_hit_is_304_and_a_stale_one_gets_the_new_body(
    world: World, path: str
) -> None:
    client = world.client("student")
    first = client.get(path)
    hit = client.get(path)
    assert hit.content == first.content
    assert hit["ETag"] == first["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    submit(user=world.student, task=world.task, answer="4")
    world.course.title = "Retitled"
    world.course.save()
    fresh = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200
    assert fresh["ETag"] != first["ETag"]


@pytest.mark.parametrize(
    ("path", "allowed", "asks_platform_role"),
    [
        # JWT: the user. Catalog: nothing else.
        ("/api/courses/", 1, False),
        # + the course and the caller's course role (visibility).
        ("/api/courses/intro/", 3, False),
        # + the course, the course role; whether the caller may see draft tasks.
        ("/api/courses/intro/tasks/", 3, True),
        # + the task with its course, the course role.
        ("/api/tasks/{task}/", 3, True),
        # + the course, the course role, the enrollment check.
        ("/api/courses/intro/progress/", 4, False),
        ("/api/progress/", 1, False),
    ],
)
def test_a_hit_runs_only_the_authorization_queries(
    world: World, host_shape: str, path: str, allowed: int, asks_platform_role: bool
) -> None:
    # Where roles live in auth groups (the auth_user shape) the platform role is a query of
    # its own; a role field comes with the JWT's user row.
    if asks_platform_role and host_shape == "auth_user":
        allowed += 1
    client = world.client("student")
    path = path.format(task=world.task.pk)
    client.get(path)
    with CaptureQueriesContext(connection) as cold:
        client.get(path)
    assert len(cold) <= allowed, [q["sql"] for q in cold]


# -- a backend that fails --------------------------------------------------------------------------


class BrokenCache(LocMemCache):
    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    get = set = add = delete = get_many = set_many = _fail


def test_a_failing_backend_degrades_to_uncached_reads(
    world: World, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "broken": {"BACKEND": f"{__name__}.BrokenCache"},
    }
    settings.LEARNPLAT = {**settings.LEARNPLAT, "CACHE": {"ALIAS": "broken"}}
    cache._Health.last_warning = float("-inf")
    client = world.client("student")
    with caplog.at_level(logging.WARNING, logger="learnplat.cache"):
        for path in reads(world, "student"):
            assert client.get(path).status_code in (200, 404), path
        world.task.title = "Changed while down"
        world.task.save()
        tasks = client.get("/api/courses/intro/tasks/").json()
    assert tasks["results"][0]["title"] == "Changed while down"
    assert len([r for r in caplog.records if r.name == "learnplat.cache"]) == 1
    assert cache._Health.lost_change
    cache._Health.lost_change = False


def test_readyz_names_the_failing_cache(settings: Any, client: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.BrokenCache"}}
    response = client.get("/readyz")
    if response.status_code == 404:
        pytest.skip("this host shape does not mount /readyz")
    assert response.status_code == 503
    assert "cache" in response.json()["failing"]


def test_disabled_means_no_cache_call(world: World, learnplat_settings: LearnplatSettings) -> None:
    learnplat_settings(CACHE={"ENABLED": False})
    from django.core.cache import caches

    caches["default"].clear()  # the world was built with caching on
    client = world.client("student")
    for path in reads(world, "student"):
        client.get(path)
    world.task.save()
    assert not any("learnplat:cache" in key for key in _locmem_keys())

"""The courses admin saves through the flows: their rules hold for admin edits too."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learnplat.courses.models import AssignmentGroup, Course, Enrollment, Extension, Task
from learnplat.flows import authoring as authoring_flow
from learnplat.roles import Role
from tests.courses.conftest import World
from tests.factories import make_user


@pytest.fixture
def root(world: World) -> Any:
    return make_user(Role.ADMIN, username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def site(root: Any) -> Client:
    client = Client()
    client.force_login(root)
    return client


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _posted(form: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if isinstance(value, bool):
            value = "on" if value else None
        if value is not None:
            data[bound.html_name] = value
    return data


def _course_change(site: Client, course: Course, **changes: Any) -> Any:
    url = reverse("admin:learnplat_courses_course_change", args=[course.pk])
    page = site.get(url)
    data = _posted(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data |= _posted(inline.formset.management_form)
        for form in inline.formset.forms:
            data |= _posted(form)
    return site.post(url, data | changes)


def test_a_course_added_in_the_admin_gets_its_creator_as_instructor(
    site: Client, root: Any
) -> None:
    response = site.post(
        reverse("admin:learnplat_courses_course_add"),
        {
            "title": "New",
            "slug": "new",
            "description": "",
            "grading_policy": "best",
            "grading_scheme": "points",
            "timezone": "UTC",
            "late_days": "0",
            "enrollment_open": "on",
            "assignment_groups-TOTAL_FORMS": "0",
            "assignment_groups-INITIAL_FORMS": "0",
            "tasks-TOTAL_FORMS": "0",
            "tasks-INITIAL_FORMS": "0",
            "enrollments-TOTAL_FORMS": "0",
            "enrollments-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    course = Course.objects.get(slug="new")
    assert course.status == "draft"
    assert Enrollment.objects.instructors().get(course=course).user == root


def test_the_slug_and_status_are_read_only_on_the_change_page(site: Client, world: World) -> None:
    response = _course_change(site, world.course, slug="moved", status="draft", title="Renamed")

    assert response.status_code == 302
    world.course.refresh_from_db()
    assert (world.course.slug, world.course.status, world.course.title) == (
        "intro",
        "published",
        "Renamed",
    )


def test_publish_and_archive_actions_follow_the_transitions(site: Client, world: World) -> None:
    changelist = reverse("admin:learnplat_courses_course_changelist")

    site.post(changelist, {"action": "archive", "_selected_action": [world.course.pk]})
    world.course.refresh_from_db()
    assert world.course.status == "archived"

    refused = site.post(changelist, {"action": "archive", "_selected_action": [world.course.pk]})

    assert refused.status_code == 302
    assert any("Cannot archive" in m for m in _messages(refused))
    world.course.refresh_from_db()
    assert world.course.status == "archived"


def test_demoting_the_last_instructor_inline_is_refused_with_a_message(
    site: Client, world: World
) -> None:
    page = site.get(reverse("admin:learnplat_courses_course_change", args=[world.course.pk]))
    forms = page.context["inline_admin_formsets"][1].formset.forms
    index = next(i for i, f in enumerate(forms) if f.instance.role == "instructor")

    response = _course_change(site, world.course, **{f"enrollments-{index}-role": "student"})

    assert response.status_code == 302
    assert any("last instructor" in m for m in _messages(response))
    instructor = world.users["instructor"]
    assert Enrollment.objects.get(course=world.course, user=instructor).role == "instructor"


def test_an_inline_enrollment_keeps_its_user(site: Client, world: World) -> None:
    page = site.get(reverse("admin:learnplat_courses_course_change", args=[world.course.pk]))
    forms = page.context["inline_admin_formsets"][1].formset.forms
    index = next(i for i, f in enumerate(forms) if f.instance.user == world.users["student"])

    response = _course_change(
        site, world.course, **{f"enrollments-{index}-user": world.users["outsider"].pk}
    )

    assert response.status_code == 200  # the form again, with the error
    assert not Enrollment.objects.filter(user=world.users["outsider"]).exists()


def test_inline_tasks_go_through_the_authoring_flow(
    site: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []
    for name in ("create_task", "update_task", "delete_task"):
        real = getattr(authoring_flow, name)

        def spy(*, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            calls.append((_name, kwargs))
            return _real(**kwargs)

        monkeypatch.setattr(authoring_flow, name, spy)
    page = site.get(reverse("admin:learnplat_courses_course_change", args=[world.course.pk]))
    forms = page.context["inline_admin_formsets"][0].formset.forms
    visible = next(i for i, f in enumerate(forms) if f.instance == world.task)
    hidden = next(i for i, f in enumerate(forms) if f.instance == world.hidden_task)

    response = _course_change(
        site,
        world.course,
        **{
            f"tasks-{visible}-max_score": "40",
            f"tasks-{hidden}-DELETE": "on",
            "tasks-TOTAL_FORMS": "3",
            "tasks-2-title": "Essay",
            "tasks-2-kind": "manual",
            "tasks-2-position": "3",
            "tasks-2-max_score": "5",
        },
    )

    assert response.status_code == 302
    assert sorted(name for name, _ in calls) == ["create_task", "delete_task", "update_task"]
    update = next(kwargs for name, kwargs in calls if name == "update_task")
    assert set(update) == {"task", "max_score", "by"}
    assert update["max_score"] == 40
    assert update["by"].is_superuser
    assert Task.objects.get(course=world.course, title="Essay").max_score == 5
    assert not Task.objects.filter(pk=world.hidden_task.pk).exists()


def test_enrollments_are_added_through_the_flow_and_dropped_not_deleted(
    site: Client, world: World
) -> None:
    outsider = world.users["outsider"]

    added = site.post(
        reverse("admin:learnplat_courses_enrollment_add"),
        {"user": outsider.pk, "course": world.course.pk, "role": "assistant"},
    )

    assert added.status_code == 302, added.context["adminform"].form.errors
    enrollment = Enrollment.objects.get(user=outsider, course=world.course)
    assert (enrollment.role, enrollment.status) == ("assistant", "active")

    site.post(
        reverse("admin:learnplat_courses_enrollment_changelist"),
        {"action": "drop", "_selected_action": [enrollment.pk]},
    )
    enrollment.refresh_from_db()
    assert enrollment.status == "dropped"
    delete = reverse("admin:learnplat_courses_enrollment_delete", args=[enrollment.pk])
    assert site.post(delete, {"post": "yes"}).status_code == 403
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()


def test_an_extension_for_a_non_student_is_refused_with_a_message(
    site: Client, world: World
) -> None:
    response = site.post(
        reverse("admin:learnplat_courses_extension_add"),
        {
            "user": world.users["outsider"].pk,
            "course": world.course.pk,
            "task": world.task.pk,
            "due_at_0": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%d"),
            "due_at_1": "12:00:00",
            "reason": "",
        },
    )

    assert response.status_code == 302
    assert any("enrolled student" in m for m in _messages(response))
    assert not Extension.objects.exists()


def test_a_task_stays_in_its_course(site: Client, world: World) -> None:
    url = reverse("admin:learnplat_courses_task_change", args=[world.task.pk])
    page = site.get(url)
    data = _posted(page.context["adminform"].form) | {"course": world.other_course.pk}

    response = site.post(url, data)

    assert response.status_code == 302
    world.task.refresh_from_db()
    assert world.task.course == world.course


def test_inline_groups_go_through_the_grading_config_flows(
    site: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from learnplat.flows import grading_config as grading_config_flow

    calls: list[str] = []
    for name in ("create_group", "update_group", "delete_group"):
        real = getattr(grading_config_flow, name)

        def spy(*, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            calls.append(_name)
            return _real(**kwargs)

        monkeypatch.setattr(grading_config_flow, name, spy)
    kept = AssignmentGroup.objects.create(course=world.course, name="Homework", weight=40)
    gone = AssignmentGroup.objects.create(course=world.course, name="Old", weight=5)
    page = site.get(reverse("admin:learnplat_courses_course_change", args=[world.course.pk]))
    [formset] = [
        f.formset
        for f in page.context["inline_admin_formsets"]
        if f.formset.model is AssignmentGroup
    ]
    index = {f.instance.pk: i for i, f in enumerate(formset.forms)}

    response = _course_change(
        site,
        world.course,
        **{
            f"assignment_groups-{index[kept.pk]}-weight": "45",
            f"assignment_groups-{index[gone.pk]}-DELETE": "on",
            "assignment_groups-TOTAL_FORMS": "3",
            "assignment_groups-2-name": "Exams",
            "assignment_groups-2-weight": "50",
            "assignment_groups-2-drop_lowest": "0",
            "assignment_groups-2-position": "",
            "grading_scheme": "weighted",
            "letter_grades": '[{"letter": "A", "min_percent": 90}]',
        },
    )

    assert response.status_code == 302
    assert sorted(calls) == ["create_group", "delete_group", "update_group"]
    assert sorted(
        AssignmentGroup.objects.filter(course=world.course).values_list("name", "weight")
    ) == [("Exams", 50.0), ("Homework", 45.0)]
    world.course.refresh_from_db()
    assert world.course.grading_scheme == "weighted"
    assert world.course.letter_grades == [{"letter": "A", "min_percent": 90.0}]


def test_the_admin_refuses_a_bad_letter_scale_and_heavy_groups(site: Client, world: World) -> None:
    bad = _course_change(site, world.course, letter_grades='[{"letter": "A", "min_percent": 190}]')
    assert bad.status_code == 200
    assert "letter_grades" in bad.context["adminform"].form.errors
    Course.objects.filter(pk=world.course.pk).update(grading_scheme="weighted")
    AssignmentGroup.objects.create(course=world.course, name="Homework", weight=80)
    heavy = _course_change(
        site,
        world.course,
        **{
            "assignment_groups-TOTAL_FORMS": "2",
            "assignment_groups-1-name": "Exams",
            "assignment_groups-1-weight": "30",
            "assignment_groups-1-drop_lowest": "0",
        },
    )
    assert any("add up to 110" in m for m in _messages(heavy))
    assert not AssignmentGroup.objects.filter(name="Exams").exists()


def test_the_task_form_offers_only_the_course_groups(site: Client, world: World) -> None:
    ours = AssignmentGroup.objects.create(course=world.course, name="Ours")
    AssignmentGroup.objects.create(course=world.other_course, name="Theirs")
    page = site.get(reverse("admin:learnplat_courses_task_change", args=[world.task.pk]))
    offered = page.context["adminform"].form.fields["group"].queryset
    assert list(offered) == [ours]

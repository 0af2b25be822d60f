"""Forming groups through the API (decision 0029): group sets, groups, invitations, joining
and leaving, for every role; the documented 409s; lists whose query count does not grow; and
the races on PostgreSQL (joins against ``max_size``, one student joining two groups, a join
against the group's first submission)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from learnplat.courses.models import (
    GroupInvitation,
    GroupMembership,
    GroupSet,
    StudentGroup,
)
from learnplat.exceptions import LearnplatError
from learnplat.flows import group_formation as flow
from learnplat.flows.submit import submit
from learnplat.progress.models import TaskProgress
from learnplat.submissions.models import Submission
from tests.courses.conftest import World, assert_same_query_count, matrix, url
from tests.factories import enroll, make_user
from tests.race import Outcome, race

pytestmark = pytest.mark.django_db

SET_FIELDS = {"id", "name", "min_size", "max_size", "self_signup"}
GROUP_FIELDS = {"id", "group_set", "name", "locked_at", "size", "members", "invitations"}


def sets_url(slug: str = "intro") -> str:
    return url("course-group-sets", slug)


def set_url(pk: int, slug: str = "intro") -> str:
    return url("course-group-set-detail", slug, pk)


def groups_url(group_set: GroupSet) -> str:
    return url("group-set-groups", group_set.pk)


def group_url(group: StudentGroup, action: str | None = None) -> str:
    return url(f"group-{action}" if action else "group-detail", group.pk)


def make_set(world: World, **fields: Any) -> GroupSet:
    return GroupSet.objects.create(
        course=world.course, name=fields.pop("name", "Projects"), **{"max_size": 3, **fields}
    )


def make_group(group_set: GroupSet, *members: Any, name: str = "Team A") -> StudentGroup:
    group = StudentGroup.objects.create(group_set=group_set, name=name)
    for member in members:
        GroupMembership.objects.create(group=group, group_set=group_set, user=member)
    return group


def student(world: World, name: str) -> Any:
    user = make_user(username=name)
    enroll(user, world.course)
    return user


def member_names(body: dict[str, Any]) -> list[str]:
    return [m["username"] for m in body["members"]]


def code_of(result: Outcome) -> str:
    if isinstance(result.error, LearnplatError):
        return result.error.code
    result.get()  # any other exception fails the test
    return "ok"


# -- group sets --------------------------------------------------------------------------

MEMBERS_READ = {
    "anonymous": 401,
    "outsider": 404,
    "student": 200,
    "assistant": 200,
    "other_instructor": 404,
    "instructor": 200,
    "admin": 200,
}
STAFF_WRITE = {**MEMBERS_READ, "student": 403}


@matrix(**MEMBERS_READ)
def test_who_lists_group_sets(world: World, role: str, code: int) -> None:
    make_set(world, min_size=2)
    response = world.client(role).get(sets_url())
    assert response.status_code == code
    if code == 200:
        [row] = response.json()["results"]
        assert set(row) == SET_FIELDS
        assert (row["name"], row["min_size"], row["max_size"], row["self_signup"]) == (
            "Projects",
            2,
            3,
            True,
        )


@matrix(**MEMBERS_READ)
def test_who_reads_a_group_set(world: World, role: str, code: int) -> None:
    assert world.client(role).get(set_url(make_set(world).pk)).status_code == code


@matrix(**{**STAFF_WRITE, "assistant": 201, "instructor": 201, "admin": 201})
def test_who_creates_a_group_set(world: World, role: str, code: int) -> None:
    body = {"name": "Labs", "min_size": 2, "max_size": 4, "self_signup": False}
    response = world.client(role).post(sets_url(), body, format="json")
    assert response.status_code == code, response.content
    assert GroupSet.objects.filter(name="Labs").exists() == (code == 201)
    if code == 201:
        assert {k: v for k, v in response.json().items() if k != "id"} == body


@matrix(**STAFF_WRITE)
def test_who_changes_a_group_set(world: World, role: str, code: int) -> None:
    group_set = make_set(world)
    response = world.client(role).patch(set_url(group_set.pk), {"max_size": 5}, format="json")
    assert response.status_code == code
    group_set.refresh_from_db()
    assert group_set.max_size == (5 if code == 200 else 3)


@matrix(**{**STAFF_WRITE, "assistant": 204, "instructor": 204, "admin": 204})
def test_who_deletes_a_group_set(world: World, role: str, code: int) -> None:
    group_set = make_set(world)
    make_group(group_set, world.student)
    assert world.client(role).delete(set_url(group_set.pk)).status_code == code
    assert GroupSet.objects.exists() == (code != 204)
    assert StudentGroup.objects.exists() == (code != 204)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "Projects"}, "name"),  # taken
        ({"name": "x" * 101}, "name"),
        ({"name": "New", "min_size": 0}, "min_size"),
        ({"name": "New", "min_size": -3}, "min_size"),
        ({"name": "New", "max_size": 0}, "max_size"),
        ({"name": "New", "max_size": 51}, "max_size"),
        ({"name": "New", "min_size": 4, "max_size": 3}, "max_size"),
        ({"name": "New", "min_size": "two"}, "min_size"),
        ({"name": "New", "self_signup": "maybe"}, "self_signup"),
        ({"name": "New", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_group_set_is_a_400_on_the_field(world: World, body: Any, field: str) -> None:
    make_set(world)
    response = world.client("instructor").post(sets_url(), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert GroupSet.objects.count() == 1


def test_max_size_never_drops_below_the_largest_group(world: World) -> None:
    group_set = make_set(world)
    make_group(group_set, world.student, world.other_student)
    response = world.client("instructor").patch(
        set_url(group_set.pk), {"max_size": 1}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["max_size"]
    ok = world.client("instructor").patch(set_url(group_set.pk), {"max_size": 2}, format="json")
    assert ok.status_code == 200


def test_a_group_set_a_task_uses_is_not_deleted(world: World) -> None:
    group_set = make_set(world)
    world.task.group_set = group_set
    world.task.save(update_fields=["group_set"])
    response = world.client("instructor").delete(set_url(group_set.pk))
    assert response.status_code == 409
    assert response.json()["code"] == "group_set_in_use"
    assert GroupSet.objects.exists()


def test_a_group_set_whose_group_submitted_is_not_deleted(world: World) -> None:
    group_set = make_set(world)
    group = make_group(group_set, world.student)
    group.locked_at = timezone.now()
    group.save()
    response = world.client("instructor").delete(set_url(group_set.pk))
    assert (response.status_code, response.json()["code"]) == (409, "group_set_in_use")


def test_group_sets_of_a_draft_are_invisible_to_its_students(world: World) -> None:
    GroupSet.objects.create(course=world.draft, name="Hidden")
    assert world.client("student").get(sets_url("secret")).status_code == 404


def test_the_group_set_list_costs_the_same_queries_for_more_sets(
    world: World, django_assert_num_queries: Any
) -> None:
    client = world.client("student")
    make_set(world)
    assert_same_query_count(
        django_assert_num_queries,
        lambda: client.get(sets_url()),
        lambda: client.get(sets_url()),
        between=lambda: [make_set(world, name=f"Set {i}") for i in range(5)],
    )


# -- groups: who sees what -----------------------------------------------------------------

GROUP_READ = {
    "anonymous": 401,
    "outsider": 404,
    "student": 200,  # a member
    "assistant": 200,
    "other_instructor": 404,
    "instructor": 200,
    "admin": 200,
}


@matrix(**GROUP_READ)
def test_who_reads_a_group(world: World, role: str, code: int) -> None:
    group = make_group(make_set(world), world.student)
    response = world.client(role).get(group_url(group))
    assert response.status_code == code
    if code == 200:
        body = response.json()
        assert set(body) == GROUP_FIELDS
        assert (member_names(body), body["size"], body["locked_at"]) == (["student"], 1, None)


def test_a_student_outside_the_group_does_not_see_it_unless_invited(world: World) -> None:
    group = make_group(make_set(world), world.student)
    assert world.client("other_student").get(group_url(group)).status_code == 404
    GroupInvitation.objects.create(group=group, user=world.other_student, invited_by=world.student)
    assert world.client("other_student").get(group_url(group)).status_code == 200


@matrix(**{**MEMBERS_READ, "student": 200})
def test_who_lists_the_groups_of_a_set(world: World, role: str, code: int) -> None:
    group_set = make_set(world)
    make_group(group_set, world.student, name="Mine")
    make_group(group_set, world.other_student, name="Theirs")
    response = world.client(role).get(groups_url(group_set))
    assert response.status_code == code
    if code == 200:
        names = [g["name"] for g in response.json()["results"]]
        assert names == (["Mine"] if role == "student" else ["Mine", "Theirs"])


def test_a_student_lists_their_group_and_their_invitations(world: World) -> None:
    group_set = make_set(world)
    make_group(group_set, world.student, name="Mine")
    theirs = make_group(group_set, world.other_student, name="Theirs")
    make_group(group_set, student(world, "carol"), name="Carol's")
    GroupInvitation.objects.create(group=theirs, user=world.student, invited_by=world.other_student)
    response = world.client("student").get(groups_url(group_set))
    assert [g["name"] for g in response.json()["results"]] == ["Mine", "Theirs"]
    [invitation] = response.json()["results"][1]["invitations"]
    assert invitation["user"]["username"] == "student"
    assert invitation["invited_by"]["username"] == "other_student"
    assert invitation["status"] == "pending"


def test_the_groups_list_costs_the_same_queries_for_more_groups(
    world: World, django_assert_num_queries: Any
) -> None:
    group_set = make_set(world, max_size=5)
    make_group(group_set, world.student, name="G0")
    inviter = world.student

    def more() -> None:
        for i in range(1, 6):
            members = [student(world, f"s{i}_{j}") for j in range(3)]
            group = make_group(group_set, *members, name=f"G{i}")
            GroupInvitation.objects.create(
                group=group, user=student(world, f"i{i}"), invited_by=inviter
            )

    for role in ("instructor", "assistant"):
        client = world.client(role)
        assert_same_query_count(
            django_assert_num_queries,
            lambda client=client: client.get(groups_url(group_set)),
            lambda client=client: client.get(groups_url(group_set)),
            between=more if role == "instructor" else None,
        )


# -- creating groups -----------------------------------------------------------------------


def test_a_student_creates_a_group_with_themselves_in_it(world: World) -> None:
    group_set = make_set(world)
    response = world.client("student").post(groups_url(group_set), {}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["name"], member_names(response.json())) == ("Group 1", ["student"])
    named = world.client("other_student").post(
        groups_url(group_set), {"name": "Owls"}, format="json"
    )
    assert named.json()["name"] == "Owls"


def test_a_student_in_a_group_creates_no_second_one(world: World) -> None:
    group_set = make_set(world)
    make_group(group_set, world.student)
    response = world.client("student").post(groups_url(group_set), {}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "already_in_group")
    assert StudentGroup.objects.count() == 1


def test_without_self_signup_students_form_no_groups(world: World) -> None:
    group_set = make_set(world, self_signup=False)
    response = world.client("student").post(groups_url(group_set), {}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "self_signup_closed")
    assert not StudentGroup.objects.exists()


def test_a_student_names_no_members(world: World) -> None:
    group_set = make_set(world)
    response = world.client("student").post(
        groups_url(group_set), {"members": [world.other_student.pk]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["members"]
    assert not StudentGroup.objects.exists()


@pytest.mark.parametrize("role", ["instructor", "assistant", "admin"])
def test_staff_form_a_group_of_any_students(world: World, role: str) -> None:
    group_set = make_set(world, self_signup=False)
    body = {"name": "Staff made", "members": [world.student.pk, world.other_student.pk]}
    response = world.client(role).post(groups_url(group_set), body, format="json")
    assert response.status_code == 201, response.content
    assert member_names(response.json()) == ["student", "other_student"]


@pytest.mark.parametrize("role", ["outsider", "other_instructor"])
def test_outsiders_create_no_group(world: World, role: str) -> None:
    response = world.client(role).post(groups_url(make_set(world)), {}, format="json")
    assert response.status_code == 404
    assert not StudentGroup.objects.exists()


def test_anonymous_creates_no_group(world: World) -> None:
    assert world.client("anonymous").post(groups_url(make_set(world)), {}).status_code == 401


@pytest.mark.parametrize(
    ("members", "field"),
    [
        ("everyone", "members"),
        (["x"], "members"),
        ("outsider", "members"),  # not enrolled
        ("assistant", "members"),  # not a student
        ("too_many", "members"),
    ],
)
def test_staff_bad_members_are_a_400(world: World, members: Any, field: str) -> None:
    group_set = make_set(world, max_size=2)
    if members == "outsider":
        members = [world.outsider.pk]
    elif members == "assistant":
        members = [world.assistant.pk]
    elif members == "too_many":
        members = [world.student.pk, world.other_student.pk, student(world, "carol").pk]
    response = world.client("instructor").post(
        groups_url(group_set), {"members": members}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not StudentGroup.objects.exists()


def test_staff_put_no_one_in_two_groups_of_a_set(world: World) -> None:
    group_set = make_set(world)
    make_group(group_set, world.student)
    response = world.client("instructor").post(
        groups_url(group_set), {"members": [world.student.pk]}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "already_in_group")


def test_a_taken_group_name_is_a_400(world: World) -> None:
    group_set = make_set(world)
    make_group(group_set, world.student, name="Owls")
    response = world.client("other_student").post(
        groups_url(group_set), {"name": "Owls"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["name"]


# -- invitations -----------------------------------------------------------------------------


def invite(world: World, who: str, group: StudentGroup, username: str) -> Any:
    return world.client(who).post(group_url(group, "invite"), {"username": username}, format="json")


def test_a_member_invites_and_the_invitee_accepts(world: World) -> None:
    group = make_group(make_set(world), world.student)
    response = invite(world, "student", group, "OTHER_STUDENT")
    assert response.status_code == 201, response.content
    invitation = response.json()
    assert (invitation["user"]["username"], invitation["status"]) == ("other_student", "pending")
    again = invite(world, "student", group, "other_student")
    assert (again.status_code, again.json()["id"]) == (200, invitation["id"])

    accepted = world.client("other_student").post(group_url(group, "accept"))
    assert accepted.status_code == 200, accepted.content
    assert member_names(accepted.json()) == ["student", "other_student"]
    assert accepted.json()["invitations"] == []
    assert GroupInvitation.objects.get().status == "accepted"


def test_an_invitation_notifies_the_invitee_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    from learnplat.notifications.models import Notification

    group = make_group(make_set(world), world.student)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(world, "student", group, "other_student")
    assert response.status_code == 201, response.content
    note = Notification.objects.get()
    assert (note.user, note.kind, note.in_app) == (world.other_student, "group_invitation", True)
    assert note.data == {
        "invitation": response.json()["id"],
        "group": {"id": group.pk, "name": "Team A"},
        "group_set": {"id": group.group_set_id, "name": "Projects"},
        "course": {"slug": "intro", "title": "Intro"},
        "invited_by": {
            "id": world.student.pk,
            "username": "student",
            "first_name": world.student.first_name,
            "last_name": world.student.last_name,
        },
    }
    # E-mailed on commit, as the kind's defaults say.
    [message] = mail.outbox
    assert message.to == [world.other_student.email]
    assert "Team A" in message.subject
    assert "Intro" in message.subject
    assert message.body.startswith("student invited you to join group Team A (Projects) in Intro.")
    # The invitee sees it in their list; inviting again gives back the invitation, no new note.
    listed = world.client("other_student").get("/api/notifications/").json()["results"]
    assert [n["kind"] for n in listed] == ["group_invitation"]
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(world, "student", group, "other_student").status_code == 200
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_invitation_follows_the_invitees_preferences(world: World) -> None:
    from learnplat.flows.notify import set_preferences
    from learnplat.notifications.models import Notification

    set_preferences(
        user=world.other_student,
        preferences={"group_invitation": {"in_app": False, "email": False}},
    )
    group = make_group(make_set(world), world.student)
    assert invite(world, "student", group, "other_student").status_code == 201
    assert not Notification.objects.exists()
    assert GroupInvitation.objects.filter(user=world.other_student).exists()


def test_a_refused_invitation_notifies_nobody(world: World) -> None:
    from learnplat.notifications.models import Notification

    group = make_group(make_set(world, max_size=1), world.student)
    assert invite(world, "student", group, "other_student").json()["code"] == "group_full"
    assert invite(world, "student", group, "outsider").json()["code"] == "not_enrolled"
    assert not Notification.objects.exists()


def test_a_failing_notification_rolls_the_invitation_back(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(**kwargs: Any) -> None:
        raise RuntimeError("notification store down")

    monkeypatch.setattr(flow.notify_flow, "notify", boom)
    group = make_group(make_set(world), world.student)
    with pytest.raises(RuntimeError):
        flow.invite(group=group, by=world.student, username="other_student")
    assert not GroupInvitation.objects.exists()


def test_accepting_cancels_the_other_invitations_in_the_set(world: World) -> None:
    group_set = make_set(world)
    first = make_group(group_set, world.student, name="First")
    second = make_group(group_set, student(world, "carol"), name="Second")
    GroupInvitation.objects.create(group=first, user=world.other_student)
    GroupInvitation.objects.create(group=second, user=world.other_student)
    assert world.client("other_student").post(group_url(first, "accept")).status_code == 200
    assert GroupInvitation.objects.get(group=second).status == "cancelled"
    late = world.client("other_student").post(group_url(second, "accept"))
    assert late.status_code == 404  # no pending invitation, and not a member: not visible


def test_declining_leaves_the_group_as_it_was(world: World) -> None:
    group = make_group(make_set(world), world.student)
    GroupInvitation.objects.create(group=group, user=world.other_student)
    response = world.client("other_student").post(group_url(group, "decline"))
    assert (response.status_code, response.json()["status"]) == (200, "declined")
    assert GroupMembership.objects.filter(group=group).count() == 1
    assert world.client("other_student").get(group_url(group)).status_code == 404


@pytest.mark.parametrize("username", ["nobody", "outsider", "assistant", "other_instructor"])
def test_inviting_anyone_but_an_enrolled_student_is_not_enrolled(
    world: World, username: str
) -> None:
    group = make_group(make_set(world), world.student)
    response = invite(world, "student", group, username)
    assert (response.status_code, response.json()["code"]) == (409, "not_enrolled")
    assert not GroupInvitation.objects.exists()


def test_inviting_someone_in_a_group_of_the_set_is_already_in_group(world: World) -> None:
    group_set = make_set(world)
    group = make_group(group_set, world.student)
    make_group(group_set, world.other_student, name="Other")
    response = invite(world, "student", group, "other_student")
    assert (response.status_code, response.json()["code"]) == (409, "already_in_group")
    yourself = invite(world, "student", group, "student")
    assert yourself.json()["code"] == "already_in_group"


def test_inviting_into_a_full_group_is_group_full(world: World) -> None:
    group = make_group(make_set(world, max_size=2), world.student, student(world, "carol"))
    response = invite(world, "student", group, "other_student")
    assert (response.status_code, response.json()["code"]) == (409, "group_full")


def test_accepting_into_a_group_that_filled_up_is_group_full(world: World) -> None:
    group = make_group(make_set(world, max_size=2), world.student)
    GroupInvitation.objects.create(group=group, user=world.other_student)
    GroupMembership.objects.create(
        group=group, group_set=group.group_set, user=student(world, "carol")
    )
    response = world.client("other_student").post(group_url(group, "accept"))
    assert (response.status_code, response.json()["code"]) == (409, "group_full")
    assert GroupInvitation.objects.get().status == "pending"


def test_a_locked_group_takes_no_one(world: World) -> None:
    group = make_group(make_set(world), world.student)
    GroupInvitation.objects.create(group=group, user=world.other_student)
    StudentGroup.objects.filter(pk=group.pk).update(locked_at=timezone.now())
    for response in (
        invite(world, "student", group, "carol"),
        world.client("other_student").post(group_url(group, "accept")),
        world.client("student").post(group_url(group, "leave")),
        world.client("instructor").patch(group_url(group), {"members": []}, format="json"),
        world.client("instructor").delete(group_url(group)),
    ):
        assert (response.status_code, response.json()["code"]) == (409, "group_locked")
    assert GroupMembership.objects.filter(group=group).count() == 1


@pytest.mark.parametrize("role", ["instructor", "assistant"])
def test_staff_do_not_invite_they_edit_members(world: World, role: str) -> None:
    group = make_group(make_set(world), world.student)
    response = invite(world, role, group, "other_student")
    assert response.status_code == 403


def test_an_invitee_invites_no_one(world: World) -> None:
    group = make_group(make_set(world), world.student)
    GroupInvitation.objects.create(group=group, user=world.other_student)
    assert invite(world, "other_student", group, "carol").status_code == 403


@pytest.mark.parametrize("body", [{}, {"username": ""}, {"username": "x", "role": "boss"}])
def test_a_bad_invitation_is_a_400(world: World, body: Any) -> None:
    group = make_group(make_set(world), world.student)
    response = world.client("student").post(group_url(group, "invite"), body, format="json")
    assert response.status_code == 400


def test_without_self_signup_students_neither_invite_nor_leave(world: World) -> None:
    group = make_group(make_set(world, self_signup=False), world.student)
    assert invite(world, "student", group, "other_student").json()["code"] == "self_signup_closed"
    left = world.client("student").post(group_url(group, "leave"))
    assert (left.status_code, left.json()["code"]) == (403, "self_signup_closed")


def test_accepting_without_an_invitation_is_a_404(world: World) -> None:
    group = make_group(make_set(world), world.student)
    assert world.client("other_student").post(group_url(group, "accept")).status_code == 404
    # A member has no invitation either, and is told why.
    member = world.client("student").post(group_url(group, "accept"))
    assert (member.status_code, member.json()["code"]) == (409, "already_in_group")


# -- leaving, editing, dissolving ------------------------------------------------------------


def test_a_member_leaves_and_the_last_one_out_dissolves_the_group(world: World) -> None:
    group = make_group(make_set(world), world.student, world.other_student)
    assert world.client("other_student").post(group_url(group, "leave")).status_code == 204
    assert member_names(world.client("student").get(group_url(group)).json()) == ["student"]
    assert world.client("student").post(group_url(group, "leave")).status_code == 204
    assert not StudentGroup.objects.exists()


def test_leaving_a_group_you_are_not_in_is_a_404(world: World) -> None:
    group = make_group(make_set(world), world.student)
    assert world.client("other_student").post(group_url(group, "leave")).status_code == 404
    assert world.client("instructor").post(group_url(group, "leave")).status_code == 404


STAFF_EDIT = {
    "anonymous": 401,
    "outsider": 404,
    "student": 403,  # a member
    "assistant": 200,
    "other_instructor": 404,
    "instructor": 200,
    "admin": 200,
}


@matrix(**STAFF_EDIT)
def test_who_edits_a_group(world: World, role: str, code: int) -> None:
    group = make_group(make_set(world), world.student)
    body = {"name": "Renamed", "members": [world.student.pk, world.other_student.pk]}
    response = world.client(role).patch(group_url(group), body, format="json")
    assert response.status_code == code
    group.refresh_from_db()
    assert (group.name == "Renamed") == (code == 200)
    if code == 200:
        assert member_names(response.json()) == ["student", "other_student"]


@matrix(**{**STAFF_EDIT, "assistant": 204, "instructor": 204, "admin": 204})
def test_who_dissolves_a_group(world: World, role: str, code: int) -> None:
    group = make_group(make_set(world), world.student)
    assert world.client(role).delete(group_url(group)).status_code == code
    assert StudentGroup.objects.exists() == (code != 204)


def test_staff_replace_members_whole(world: World) -> None:
    group_set = make_set(world)
    group = make_group(group_set, world.student, world.other_student)
    carol = student(world, "carol")
    GroupInvitation.objects.create(group=make_group(group_set, name="Other"), user=carol)
    response = world.client("instructor").patch(
        group_url(group), {"members": [world.other_student.pk, carol.pk]}, format="json"
    )
    assert member_names(response.json()) == ["other_student", "carol"]
    assert GroupInvitation.objects.get(user=carol).status == "cancelled"


def test_a_group_of_a_set_is_seen_only_through_its_course(world: World) -> None:
    other_set = GroupSet.objects.create(course=world.other_course, name="Elsewhere")
    assert world.client("student").get(groups_url(other_set)).status_code == 404
    assert world.client("student").post(groups_url(other_set), {}, format="json").status_code == 404


def test_unknown_ids_are_a_404(world: World) -> None:
    assert world.client("instructor").get(url("group-detail", 999999)).status_code == 404
    assert world.client("instructor").get(url("group-set-groups", 999999)).status_code == 404
    assert world.client("instructor").get(set_url(999999)).status_code == 404


# -- a formed group submits ---------------------------------------------------------------


def test_a_group_formed_through_the_api_submits_for_every_member(world: World) -> None:
    group_set = make_set(world, min_size=2)
    world.task.group_set = group_set
    world.task.save(update_fields=["group_set"])
    created = world.client("student").post(groups_url(group_set), {}, format="json").json()
    group = StudentGroup.objects.get(pk=created["id"])
    early = world.client("student").post(
        url("task-submissions", world.task.pk), {"answer": "4"}, format="json"
    )
    assert (early.status_code, early.json()["code"]) == (409, "group_required")
    invite(world, "student", group, "other_student")
    world.client("other_student").post(group_url(group, "accept"))
    done = world.client("student").post(
        url("task-submissions", world.task.pk), {"answer": "4"}, format="json"
    )
    assert done.status_code in (201, 202), done.content
    assert world.client("student").get(group_url(group)).json()["locked_at"] is not None
    left = world.client("other_student").post(group_url(group, "leave"))
    assert left.json()["code"] == "group_locked"


# -- races (PostgreSQL) ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_accepts_at_once_never_pass_max_size(world: World) -> None:
    """Five invitees accept at once into a group of one with ``max_size`` 3: exactly two join.

    Checked without the locks: with ``select_for_update()`` dropped from both reads of
    ``_lock_group`` in flows/group_formation.py, every transaction counts one member and
    all five join."""
    group = make_group(make_set(world), world.student)
    invitees = [student(world, f"invitee{i}") for i in range(5)]
    for invitee in invitees:
        GroupInvitation.objects.create(group=group, user=invitee)
    outcomes = race(*[lambda u=u: flow.accept_invitation(group=group, user=u) for u in invitees])
    assert sorted(code_of(o) for o in outcomes) == ["group_full"] * 3 + ["ok"] * 2
    assert GroupMembership.objects.filter(group=group).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_student_accepting_two_groups_at_once_joins_one(world: World) -> None:
    """Two invitations of one student accepted at once: one joins, the other is
    ``already_in_group`` (the database's one-group-per-set constraint, not a 500)."""
    group_set = make_set(world)
    first = make_group(group_set, world.student, name="First")
    second = make_group(group_set, world.other_student, name="Second")
    carol = student(world, "carol")
    GroupInvitation.objects.create(group=first, user=carol)
    GroupInvitation.objects.create(group=second, user=carol)
    outcomes = race(
        lambda: flow.accept_invitation(group=first, user=carol),
        lambda: flow.accept_invitation(group=second, user=carol),
    )
    assert sorted(code_of(o) for o in outcomes) == ["already_in_group", "ok"]
    assert GroupMembership.objects.filter(user=carol).count() == 1


ROUNDS = 15


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_accept_racing_the_first_submission_shares_it_or_is_refused(world: World) -> None:
    """The accept flow against the group's first submission: either the joiner came first
    and the submission counts for them (their progress has it), or the accept is
    ``group_locked``; never a member whom the locked group's submission left out.

    Checked without the locks: with ``select_for_update()`` dropped from both reads of
    ``_lock_group``, the accept reads ``locked_at`` before the submission commits and
    inserts the membership after it: the joiner is a member without the submission in their
    progress."""
    group_set = make_set(world)
    world.task.group_set = group_set
    world.task.save(update_fields=["group_set"])
    seen = set()
    for round_ in range(ROUNDS):
        joiner = student(world, f"joiner{round_}")
        group = make_group(group_set, world.student, name=f"Round {round_}")
        GroupInvitation.objects.create(group=group, user=joiner)
        _, accepted = race(
            lambda: submit(user=world.student, task=world.task, answer="4"),
            lambda group=group, joiner=joiner: flow.accept_invitation(group=group, user=joiner),
        )
        outcome = code_of(accepted)
        seen.add(outcome)
        assert outcome in {"ok", "group_locked"}
        is_member = GroupMembership.objects.filter(group=group, user=joiner).exists()
        shares = TaskProgress.objects.filter(user=joiner, task=world.task).exists()
        assert is_member == shares == (outcome == "ok")
        Submission.objects.filter(task=world.task).delete()
        TaskProgress.objects.all().delete()
        GroupMembership.objects.filter(group=group).delete()
        StudentGroup.objects.filter(pk=group.pk).delete()
    assert seen <= {"ok", "group_locked"}

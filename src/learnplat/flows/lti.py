"""LTI 1.3 (the optional ``learnplat.lti`` app): launches, deep linking, launch codes,
registrations and tool keys, roster sync and AGS line items.

This flow module imports the optional app at the top, as ``flows.accounts`` does the
optional accounts app: only ``learnplat.lti``'s entry points import it, so a site without
the app never loads it (decision 0037). Settings read: ``LEARNPLAT["LTI"]``
(``LAUNCH_CODE_TTL_SECONDS``, ``KEEP_PREVIOUS_KEYS``). Example::

    result = launch(lti_launch=validated_launch(request))
    redirect_to(f"{LAUNCH_REDIRECT}?code={result.code}")
    tokens = exchange_launch_code(code=result.code)  # once; a second time is a 401
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from lti_tool.models import Key, LtiContext, LtiDeployment, LtiLineItem, LtiRegistration, LtiUser
from lti_tool.utils import sync_data_from_launch

from learnplat.accounts.querysets import email_taken
from learnplat.accounts.tokens import TokenPair
from learnplat.adapter import get_adapter
from learnplat.conf import settings
from learnplat.courses.choices import STAFF_ROLES, CourseRole, EnrollmentStatus
from learnplat.courses.models import Course, Enrollment, Task
from learnplat.exceptions import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from learnplat.flows import accounts as account_flows
from learnplat.flows import enrollment as enrollment_flows
from learnplat.lti.choices import CUSTOM_COURSE, CUSTOM_TASK, course_role_for
from learnplat.lti.models import LaunchCode, ResourceLinkBinding, SpentNonce
from learnplat.roles import Role, RoleNotWritable, get_role, set_role

logger = logging.getLogger("learnplat.lti")


# -- launches --------------------------------------------------------------------------


@dataclass(frozen=True)
class LaunchResult:
    user: Any
    course: Course
    task: Task | None
    role: str
    code: str
    created_user: bool


def _spend_nonce(nonce: str | None) -> None:
    if not nonce:
        raise Unauthenticated("The launch has no nonce.", code="lti_launch_invalid")
    try:
        with transaction.atomic():
            SpentNonce.objects.create(nonce=nonce[:255])
    except IntegrityError:
        raise Unauthenticated("This launch was already used.", code="lti_launch_replayed") from None


def _username_for(issuer: str, sub: str) -> str:
    # Stable and unique per (issuer, sub), and no personal data in it.
    digest = hashlib.sha256(f"{issuer}\n{sub}".encode()).hexdigest()[:24]
    return f"lti-{digest}"


def _claims_names(claims: dict[str, Any]) -> tuple[str, str]:
    given = str(claims.get("given_name") or "")
    family = str(claims.get("family_name") or "")
    if not (given or family) and claims.get("name"):
        given = str(claims["name"])
    return given[:150], family[:150]


def _local_user(lti_user: LtiUser, claims: dict[str, Any]) -> tuple[Any, bool]:
    """The learnplat user of a platform user, created on the first launch.

    One person is one local user per issuer: a second registration (client id) of the same
    issuer finds the user the first one made. An e-mail address another local user already
    has is not copied (it would claim that account), the new user gets none.
    """
    if lti_user.auth_user_id is not None:
        return lti_user.auth_user, False
    issuer = lti_user.registration.issuer
    sibling = (
        LtiUser.objects.filter(
            registration__issuer=issuer, sub=lti_user.sub, auth_user__isnull=False
        )
        .select_related("auth_user")
        .first()
    )
    if sibling is not None:
        user, created = sibling.auth_user, False
    else:
        model = get_user_model()
        given, family = _claims_names(claims)
        email = model._default_manager.normalize_email(str(claims.get("email") or ""))
        if email and email_taken(email):
            email = ""
        user = model(
            username=_username_for(issuer, lti_user.sub),
            email=email[:254],
            first_name=given,
            last_name=family,
        )
        user.set_unusable_password()
        user.save()
        if get_role(user) != Role.STUDENT:
            set_role(user, Role.STUDENT)
        created = True
    lti_user.auth_user = user
    lti_user.save(update_fields=["auth_user", "datetime_modified"])
    return user, created


def _place(*, user: Any, course: Course, role: str) -> str:
    """Give ``user`` ``role`` in ``course`` as the platform says; returns the role they have.

    The platform's roster is the authority, so capacity and ``enrollment_open`` do not
    apply (a staff addition). A change that would leave the course without an instructor
    is not made: the user keeps the role they have.
    """
    existing = Enrollment.objects.filter(user=user, course=course).first()
    if (
        existing is not None
        and existing.status == EnrollmentStatus.ACTIVE
        and existing.role == role
    ):
        return role
    try:
        return str(enrollment_flows.add_enrollment(course=course, user=user, role=role).role)
    except Conflict:
        assert existing is not None  # only an existing enrollment can be the last instructor
        return str(existing.role)


def _binding_target(lti_launch: Any) -> tuple[Course, Task | None]:
    resource_link = lti_launch.resource_link
    binding = (
        ResourceLinkBinding.objects.filter(resource_link=resource_link)
        .select_related("course", "task")
        .first()
    )
    if binding is not None:
        return binding.course, binding.task
    slug = lti_launch.get_custom_claim(CUSTOM_COURSE)
    task_id = lti_launch.get_custom_claim(CUSTOM_TASK)
    course = Course.objects.filter(slug=str(slug)).first() if slug else None
    if course is None:
        raise NotFound(
            "This link is not connected to a learnplat course yet: an instructor links it "
            "with Deep Linking, or an admin binds it.",
            code="lti_link_unbound",
        )
    task = None
    if task_id:
        task = (
            Task.objects.filter(course=course, pk=str(task_id)).first()
            if str(task_id).isdecimal()
            else None
        )
        if task is None:
            raise NotFound("The task of this link does not exist.", code="lti_link_unbound")
    ResourceLinkBinding.objects.create(resource_link=resource_link, course=course, task=task)
    return course, task


def _issue_code(*, user: Any, course: Course, task: Task | None) -> str:
    code = secrets.token_urlsafe(32)
    ttl = timedelta(seconds=settings.LTI["LAUNCH_CODE_TTL_SECONDS"])
    LaunchCode.objects.create(
        code_hash=_hash(code),
        user=user,
        course=course,
        task=task,
        expires_at=timezone.now() + ttl,
    )
    return code


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _sync_launch(lti_launch: Any) -> tuple[Any, bool]:
    _spend_nonce(lti_launch.get_claim("nonce"))
    # django-lti's own rows: the platform user, context, membership, resource link.
    sync_data_from_launch(lti_launch)
    return _local_user(lti_launch.user, lti_launch.get_launch_data())


@transaction.atomic
def launch(*, lti_launch: Any) -> LaunchResult:
    """A validated resource-link launch: the platform user's local user (created when new),
    enrolled in the linked course with the role of the roles claim, and a launch code.

    404 ``lti_link_unbound`` when the link opens no course (nothing is written then);
    401 ``lti_launch_replayed`` when its nonce was used before.
    """
    user, created = _sync_launch(lti_launch)
    course, task = _binding_target(lti_launch)
    role = _place(user=user, course=course, role=course_role_for(lti_launch.roles_claim))
    code = _issue_code(user=user, course=course, task=task)
    return LaunchResult(
        user=user, course=course, task=task, role=role, code=code, created_user=created
    )


@transaction.atomic
def start_deep_linking(*, lti_launch: Any) -> Any:
    """A validated deep-linking request: the local user of the platform's instructor.

    403 ``lti_not_instructor`` when the roles claim gives no staff role: only staff pick
    what a link opens. With ``LTI["PROMOTE_INSTRUCTORS"]``, an Instructor (not a teaching
    assistant) whose account has the student role gets the instructor role, so that the
    default ``course_create`` rule lets them create a course from the selection page.
    """
    role = course_role_for(lti_launch.roles_claim)
    if role not in STAFF_ROLES:
        raise Forbidden("Only instructors can add learnplat links.", code="lti_not_instructor")
    user, _created = _sync_launch(lti_launch)
    if (
        settings.LTI["PROMOTE_INSTRUCTORS"]
        and role == CourseRole.INSTRUCTOR
        and get_role(user) == Role.STUDENT
    ):
        _promote(user)
    return user


def _promote(user: Any) -> None:
    try:
        set_role(user, Role.INSTRUCTOR)
    except RoleNotWritable:
        # The host decides roles elsewhere (a read-only adapter): its rule stands.
        logger.info("LTI could not promote user %s: the site's roles are read-only", user.pk)
    else:
        logger.info("LTI deep linking gave user %s the instructor role", user.pk)


@transaction.atomic
def exchange_launch_code(*, code: str) -> tuple[TokenPair, LaunchCode]:
    """The token pair of a launch code, once, before it expires (401
    ``lti_code_invalid`` otherwise: unknown, used, expired, or its user deactivated)."""
    now = timezone.now()
    claimed = LaunchCode.objects.filter(
        code_hash=_hash(code), used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    row = (
        LaunchCode.objects.select_related("user", "course", "task")
        .filter(code_hash=_hash(code))
        .first()
    )
    if claimed != 1 or row is None or not row.user.is_active:
        raise Unauthenticated("This launch code is not valid.", code="lti_code_invalid")
    return account_flows.log_in(user=row.user), row


# -- registrations and keys ------------------------------------------------------------


def ensure_tool_key() -> Key:
    """The newest active tool key, made when there is none (a platform needs one to verify
    what the tool signs: deep-linking responses, service token requests)."""
    key = Key.objects.active().order_by("-datetime_created").first()
    return key if key is not None else Key.objects.generate()


@transaction.atomic
def rotate_tool_keys(*, keep_previous: int | None = None) -> tuple[Key, int]:
    """Make a new tool key and retire all but the ``keep_previous`` newest older ones.

    The JWKS keeps serving the kept ones, so platforms that cached the old key still verify
    messages signed before they fetched the new one. Returns the new key and how many were
    retired.
    """
    if keep_previous is None:
        keep_previous = settings.LTI["KEEP_PREVIOUS_KEYS"]
    new = Key.objects.generate()
    older = Key.objects.active().exclude(pk=new.pk).order_by("-datetime_created")
    keep = list(older.values_list("pk", flat=True)[:keep_previous])
    retired = older.exclude(pk__in=keep).update(is_active=False)
    return new, retired


def _set_deployments(registration: LtiRegistration, deployment_ids: Iterable[str]) -> None:
    wanted = list(dict.fromkeys(deployment_ids))
    registration.deployments.exclude(deployment_id__in=wanted).update(is_active=False)
    for deployment_id in wanted:
        LtiDeployment.objects.update_or_create(
            registration=registration, deployment_id=deployment_id, defaults={"is_active": True}
        )


#: What a registration holds besides its deployments (the API and the admin edit these).
REGISTRATION_FIELDS = (
    "name",
    "issuer",
    "client_id",
    "audience",
    "auth_url",
    "token_url",
    "keyset_url",
    "is_active",
)


def _unique_client(issuer: str, client_id: str, exclude_pk: Any = None) -> None:
    clash = LtiRegistration.objects.filter(issuer=issuer, client_id=client_id)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise InvalidInput(
            {"client_id": ["A registration with this issuer and client id exists."]},
            code="unique",
        )


@transaction.atomic
def create_registration(
    *,
    name: str,
    issuer: str,
    client_id: str,
    auth_url: str,
    token_url: str,
    keyset_url: str,
    audience: str = "",
    is_active: bool = True,
    deployment_ids: Iterable[str] = (),
    extra: Mapping[str, Any] | None = None,
) -> LtiRegistration:
    """Register a platform (400 on ``client_id`` for a second one with the same issuer and
    client id); makes the tool's first key if it has none. A host serializer's other fields
    reach the adapter's ``save_extra()`` (``lti_registration_create``)."""
    _unique_client(issuer, client_id)
    registration = LtiRegistration.objects.create(
        name=name,
        issuer=issuer,
        client_id=client_id,
        audience=audience,
        auth_url=auth_url,
        token_url=token_url,
        keyset_url=keyset_url,
        is_active=is_active,
    )
    _set_deployments(registration, deployment_ids)
    ensure_tool_key()
    get_adapter().save_extra(
        key="lti_registration_create", instance=registration, data=dict(extra or {})
    )
    return registration


@transaction.atomic
def update_registration(
    *,
    registration: LtiRegistration,
    name: str | None = None,
    issuer: str | None = None,
    client_id: str | None = None,
    auth_url: str | None = None,
    token_url: str | None = None,
    keyset_url: str | None = None,
    audience: str | None = None,
    is_active: bool | None = None,
    deployment_ids: Iterable[str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> LtiRegistration:
    """Change what is given (``None``: keep); ``deployment_ids`` replaces the active set
    (deployments left out are switched off, not deleted: their users and links stay). A host
    serializer's other fields reach ``save_extra()`` (``lti_registration_update``)."""
    values = {
        "name": name,
        "issuer": issuer,
        "client_id": client_id,
        "auth_url": auth_url,
        "token_url": token_url,
        "keyset_url": keyset_url,
        "audience": audience,
        "is_active": is_active,
    }
    for key, value in values.items():
        if value is not None:
            setattr(registration, key, value)
    _unique_client(registration.issuer, registration.client_id, exclude_pk=registration.pk)
    registration.save()
    if deployment_ids is not None:
        _set_deployments(registration, deployment_ids)
    get_adapter().save_extra(
        key="lti_registration_update", instance=registration, data=dict(extra or {})
    )
    return registration


@transaction.atomic
def delete_registration(*, registration: LtiRegistration) -> None:
    """Remove a platform with its deployments, platform users, contexts and links (local
    users and their enrollments stay)."""
    registration.delete()


# -- roster sync (NRPS) ----------------------------------------------------------------


@dataclass
class RosterReport:
    added: int = 0
    changed: int = 0
    dropped: int = 0
    unchanged: int = 0
    courses: list[str] = field(default_factory=list)


def courses_of_context(context: LtiContext) -> list[Course]:
    return list(
        Course.objects.filter(lti_links__resource_link__context=context).distinct().order_by("pk")
    )


@transaction.atomic
def sync_roster(*, context: LtiContext, members: list[dict[str, Any]]) -> RosterReport:
    """Apply an NRPS membership list to every course the context's links open.

    Active members are created and enrolled with their mapped role; members the list marks
    ``Inactive``/``Deleted`` or leaves out are dropped, but only those the platform brought
    (users with a platform identity of this registration), never local enrollments, and
    never the course's last instructor.
    """
    report = RosterReport()
    registration = context.deployment.registration
    context.update_memberships(members)
    active: dict[Any, str] = {}
    for member in members:
        if member.get("status", "Active") != "Active":
            continue
        lti_user = LtiUser.objects.select_related("registration", "auth_user").get(
            registration=registration, sub=member["user_id"]
        )
        user, _created = _local_user(lti_user, member)
        active[user.pk] = course_role_for(member.get("roles"))
    brought = set(
        LtiUser.objects.filter(registration=registration, auth_user__isnull=False).values_list(
            "auth_user_id", flat=True
        )
    )
    user_model = get_user_model()
    users = user_model._default_manager.in_bulk(list(active))
    for course in courses_of_context(context):
        report.courses.append(course.slug)
        for user_pk, role in active.items():
            before = Enrollment.objects.filter(user_id=user_pk, course=course).first()
            after = _place(user=users[user_pk], course=course, role=role)
            if before is None or before.status != EnrollmentStatus.ACTIVE:
                report.added += 1
            elif before.role != after:
                report.changed += 1
            else:
                report.unchanged += 1
        gone = (
            Enrollment.objects.active()
            .filter(course=course, user_id__in=brought - set(active))
            .select_related("course", "user")
        )
        for enrollment in gone:
            try:
                enrollment_flows.drop(enrollment=enrollment)
                report.dropped += 1
            except Conflict:
                report.unchanged += 1
    return report


# -- AGS line items --------------------------------------------------------------------


@transaction.atomic
def record_line_item(
    *, context: LtiContext, task: Task, url: str, label: str, maximum_score: float
) -> LtiLineItem:
    """Remember the platform's line item of ``task`` in ``context`` (made on its first
    score), so later scores go to the same column."""
    line_item, _created = LtiLineItem.objects.update_or_create(
        url=url,
        defaults={
            "context": context,
            "label": label[:255],
            "maximum_score": maximum_score,
            "resource_id": line_item_resource_id(task),
        },
    )
    return line_item


def line_item_resource_id(task: Task) -> str:
    """The ``resourceId`` learnplat gives a task's line item (and finds it by)."""
    return f"learnplat-task-{task.pk}"

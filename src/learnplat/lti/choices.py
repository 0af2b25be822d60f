"""The LTI vocabulary learnplat reads, and how it maps onto learnplat's own choices."""

from __future__ import annotations

from learnplat.courses.choices import CourseRole

_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"

#: Context roles of the LTI roles claim (LTI 1.3 core, A.2.3), full URIs.
INSTRUCTOR = f"{_MEMBERSHIP}#Instructor"
TEACHING_ASSISTANT = f"{_MEMBERSHIP}/Instructor#TeachingAssistant"
LEARNER = f"{_MEMBERSHIP}#Learner"

MESSAGE_RESOURCE_LINK = "LtiResourceLinkRequest"
MESSAGE_DEEP_LINKING = "LtiDeepLinkingRequest"

#: Custom parameters a deep-linked resource link carries, naming what it opens.
CUSTOM_COURSE = "learnplat_course"
CUSTOM_TASK = "learnplat_task"

AGS_SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
AGS_LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
AGS_LINEITEM_READONLY_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def _short(role: str) -> str:
    # Simple names ("Instructor") are allowed for context roles; expand them as the spec says.
    return role if "/" in role else f"{_MEMBERSHIP}#{role}"


def course_role_for(roles: list[str] | None) -> str:
    """The course role for an LTI roles claim.

    ``Instructor#TeachingAssistant`` (a sub-role; platforms send it with or without the
    principal ``Instructor``) → assistant; ``Instructor`` → instructor; anything else,
    ``Learner`` included and an empty or unknown claim → student: the least privilege.
    """
    full = {_short(role) for role in roles or [] if isinstance(role, str)}
    if TEACHING_ASSISTANT in full:
        return CourseRole.ASSISTANT
    if INSTRUCTOR in full:
        return CourseRole.INSTRUCTOR
    return CourseRole.STUDENT

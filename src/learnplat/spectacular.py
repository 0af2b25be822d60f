"""drf-spectacular settings a host adds so learnplat's schema has stable enum names.

Several learnplat models have a ``status`` or ``role`` with different choices; without
these names drf-spectacular warns and names the enums by hash. This module imports nothing,
so a settings module may import it::

    from learnplat.spectacular import ENUM_NAME_OVERRIDES

    SPECTACULAR_SETTINGS = {"ENUM_NAME_OVERRIDES": {**ENUM_NAME_OVERRIDES}}
"""

ENUM_NAME_OVERRIDES = {
    "PlatformRoleEnum": "learnplat.roles.Role",
    "CourseStatusEnum": "learnplat.courses.choices.CourseStatus",
    "CourseRoleEnum": "learnplat.courses.choices.CourseRole",
    "EnrollmentStatusEnum": "learnplat.courses.choices.EnrollmentStatus",
    "GradingPolicyEnum": "learnplat.courses.choices.GradingPolicy",
    "LatePerEnum": "learnplat.courses.choices.LatePer",
    "TaskProgressStatusEnum": "learnplat.progress.choices.TaskProgressStatus",
    "UpcomingStatusEnum": "learnplat.progress.choices.UpcomingStatus",
    "SubmissionStatusEnum": "learnplat.submissions.choices.SubmissionStatus",
}

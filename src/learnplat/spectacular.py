"""drf-spectacular settings a host adds so learnplat's schema has stable enum names.

Several learnplat models have a ``status`` or ``role`` with different choices; without
these names drf-spectacular warns and names the enums by hash. This module imports nothing,
so a settings module may import it::

    from learnplat.spectacular import ENUM_NAME_OVERRIDES

    SPECTACULAR_SETTINGS = {"ENUM_NAME_OVERRIDES": {**ENUM_NAME_OVERRIDES}}
"""

ENUM_NAME_OVERRIDES = {
    "PlatformRoleEnum": "learnplat.roles.Role",
    "CourseStatusEnum": "learnplat.courses.models.CourseStatus",
    "CourseRoleEnum": "learnplat.courses.models.CourseRole",
    "EnrollmentStatusEnum": "learnplat.courses.models.EnrollmentStatus",
    "GradingPolicyEnum": "learnplat.courses.models.GradingPolicy",
    "LatePerEnum": "learnplat.courses.models.LatePer",
    "TaskProgressStatusEnum": "learnplat.progress.models.TaskProgressStatus",
    "SubmissionStatusEnum": "learnplat.submissions.models.SubmissionStatus",
}

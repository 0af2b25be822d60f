"""One include for the whole API::

    urlpatterns = [path("api/", include("learnplat.urls"))]

URL names are namespaced ``learnplat:`` (``reverse("learnplat:course-list")``). The auth
endpoints are mounted only when ``learnplat.accounts`` is installed, the ``notifications/``
ones only when ``learnplat.notifications`` is, the ``webhooks/`` ones only when
``learnplat.events`` is, the ``lti/`` ones only when ``learnplat.lti`` is.

The last route matches every other path under the include and answers a JSON 404
(``{"detail": "Not found.", "code": "not_found"}``), also with ``DEBUG = True``; paths
outside the include keep the host's own 404 handling.
"""

from __future__ import annotations

from django.apps import apps
from django.urls import URLPattern, URLResolver, re_path

from learnplat.handlers import unmatched

app_name = "learnplat"


def _patterns() -> list[URLPattern | URLResolver]:
    from learnplat.courses.urls import urlpatterns as course_patterns
    from learnplat.progress.urls import urlpatterns as progress_patterns
    from learnplat.submissions.urls import urlpatterns as submission_patterns

    patterns: list[URLPattern | URLResolver] = []
    if apps.is_installed("learnplat.accounts"):
        from learnplat.accounts.urls import urlpatterns as account_patterns

        patterns += account_patterns
    patterns += course_patterns + submission_patterns + progress_patterns
    if apps.is_installed("learnplat.notifications"):
        from learnplat.notifications.urls import urlpatterns as notification_patterns

        patterns += notification_patterns
    if apps.is_installed("learnplat.events"):
        from learnplat.events.urls import urlpatterns as event_patterns

        patterns += event_patterns
    if apps.is_installed("learnplat.lti"):
        from learnplat.lti.urls import urlpatterns as lti_patterns

        patterns += lti_patterns
    # Last, so it shadows nothing: whatever no route above matched.
    return [*patterns, re_path(r"^.*$", unmatched, name="unmatched")]


urlpatterns = _patterns()

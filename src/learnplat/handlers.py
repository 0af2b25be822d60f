"""Error views for a host's root URLconf, so that clients of the API get JSON errors even for
URLs no learnplat view matched (``/api/tasks/abc/``) and for crashes outside DRF::

    # urls.py of the host
    handler404 = "learnplat.handlers.page_not_found"
    handler500 = "learnplat.handlers.server_error"

Paths under the prefix where the host includes ``learnplat.urls`` get ``{"detail": ...,
"code": ...}``, the shape of every learnplat error; every other path gets Django's own page.
(``learnplat.urls`` ends in a catch-all, so unmatched API paths answer a JSON 404 even
without ``handler404``: the handler covers ``Http404`` raised outside DRF views.)
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, get_resolver, get_script_prefix, get_urlconf, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

NOT_FOUND_BODY = {"detail": "Not found.", "code": "not_found"}


def api_prefix() -> str | None:
    """The path where the host mounted ``learnplat.urls`` (``"/api/"``), if it did."""
    found = get_resolver(get_urlconf()).namespace_dict.get("learnplat")
    if found is None:
        return None
    prefix, _ = found
    return f"{get_script_prefix()}{prefix}"


def is_api_path(path: str) -> bool:
    prefix = api_prefix()
    return prefix is not None and path.startswith(prefix)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request.path):
        return JsonResponse(NOT_FOUND_BODY, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    if is_api_path(request.path):
        return JsonResponse(
            {"detail": "A server error occurred.", "code": "server_error"}, status=500
        )
    return defaults.server_error(request)


@csrf_exempt  # a POST without a CSRF token must get the JSON 404 too, not a 403 page
def unmatched(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The last route of ``learnplat.urls``: a path under the API that matches nothing.

    A JSON 404 for every method, with ``DEBUG`` on or off (Django's debug page is for
    unresolved URLs, and this one resolved). As ``CommonMiddleware`` would have done, with
    ``APPEND_SLASH`` a GET or HEAD of a real route without its trailing slash is
    redirected to it; other methods get the 404, with a hint, since a redirect would drop
    their body.
    """
    slashed = _slashed_route(request)
    if slashed is not None and request.method in ("GET", "HEAD"):
        return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    body = dict(NOT_FOUND_BODY)
    if slashed is not None:
        body["detail"] = f"Not found. Did you mean {slashed} (with a trailing slash)?"
    return JsonResponse(body, status=404)


def _slashed_route(request: HttpRequest) -> str | None:
    """``request.path`` with a slash appended, when that is a real route."""
    if not settings.APPEND_SLASH or request.path_info.endswith("/"):
        return None
    try:
        match = resolve(f"{request.path_info}/", getattr(request, "urlconf", None))
    except Resolver404:
        return None
    return None if match.func is unmatched else f"{request.path}/"

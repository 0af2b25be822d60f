"""Error views for a host's root URLconf, so that clients of the API get JSON errors even for
URLs no learnplat view matched (``/api/tasks/abc/``) and for crashes outside DRF::

    # urls.py of the host
    handler404 = "learnplat.handlers.page_not_found"
    handler500 = "learnplat.handlers.server_error"

Paths under the prefix where the host includes ``learnplat.urls`` get ``{"detail": ...}``;
every other path gets Django's own page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import get_resolver, get_script_prefix, get_urlconf
from django.views import defaults


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
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    if is_api_path(request.path):
        return JsonResponse({"detail": "A server error occurred."}, status=500)
    return defaults.server_error(request)

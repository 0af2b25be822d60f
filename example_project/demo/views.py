"""The site root: the built React app when example_project/frontend/dist exists, else a
landing page that links the API docs and the admin.

The file is looked up on every request, so building the front end needs no restart.
"""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from demo.seed import DEMO_ACCOUNTS


def _frontend_index() -> FileResponse | None:
    index = settings.FRONTEND_DIST / "index.html"
    if not index.is_file():
        return None
    return FileResponse(index.open("rb"), content_type="text/html; charset=utf-8")


def index(request: HttpRequest) -> HttpResponse | FileResponse:
    context = {"debug": settings.DEBUG, "demo_accounts": DEMO_ACCOUNTS}
    return _frontend_index() or render(request, "demo/landing.html", context)


def frontend_route(request: HttpRequest) -> FileResponse:
    response = _frontend_index()
    if response is None:
        raise Http404
    return response

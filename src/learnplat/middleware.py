"""Middleware a host adds to ``MIDDLEWARE``.

``RequestIDMiddleware`` gives every request an id: the incoming ``X-Request-ID`` when it is
sane (:func:`learnplat.context.sane_request_id`), else a new one. The id is in the context for
the request's logs (and for the evaluation it enqueues), and in the response's
``X-Request-ID``. Put it first, so that every later middleware's logs carry the id::

    MIDDLEWARE = ["learnplat.middleware.RequestIDMiddleware", ...]
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from learnplat import context

REQUEST_ID_HEADER = "X-Request-ID"


class RequestIDMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = context.sane_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        with context.scope(request_id=request_id):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response

"""Conditional GET for learnplat's most-read resources (API.md, "Operations").

:class:`ConditionalGetMixin` gives the GET answers of a view's ``conditional_actions`` an
``ETag`` (a hash of the body as rendered for this caller) and answers ``If-None-Match`` with
the current tag by 304 with no body. Because the tag is the body's hash, every write that
changes what the caller would read changes the tag, whatever flow made it: no invalidation
can be forgotten. The answers say ``Cache-Control: private, no-cache`` and vary on
``Authorization`` and ``Cookie``, so a shared cache never serves one user's body to another and
a browser revalidates each time (a 304 costs the server the read, never the transfer).
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from rest_framework.request import Request
from rest_framework.response import Response


def body_etag(content: bytes) -> str:
    # 128 bits of BLAKE2b: collisions are out of reach, and it is faster than SHA-256.
    return quote_etag(hashlib.blake2b(content, digest_size=16).hexdigest())


class ConditionalGetMixin:
    """Mix into a DRF view before its base; ``conditional_actions`` names the viewset
    actions (``retrieve``, ``list``) or, for plain API views, ``get``."""

    conditional_actions: ClassVar[frozenset[str]] = frozenset({"retrieve", "list", "get"})

    def _conditional(self, request: Any) -> bool:
        action = getattr(self, "action", None) or (request.method or "").lower()
        return action in self.conditional_actions

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or not self._conditional(request)
        ):
            return response
        # A body served from learnplat.cache carries the tag it was stored with.
        etag = getattr(response, "learnplat_etag", None)
        if etag is None:
            if not isinstance(response, Response):
                return response
            response.render()
            etag = body_etag(response.content)
            self.conditional_rendered(request, response, etag)
        response["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ("Authorization", "Cookie"))
        conditional = get_conditional_response(request._request, etag=etag, response=response)
        if conditional is not None and conditional is not response:
            # A 304 is no DRF Response, but DRF's dispatch returns whatever this returns.
            return conditional  # type: ignore[return-value]
        return response

    def conditional_rendered(self, request: Request, response: Response, etag: str) -> None:
        """Called with each 200 this mixin tagged (learnplat.cache stores it)."""

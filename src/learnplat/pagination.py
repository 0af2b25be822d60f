"""Page-number pagination sized by ``PAGE_SIZE`` and capped by ``LEARNPLAT["MAX_PAGE_SIZE"]``.

The default ``LEARNPLAT["PAGINATION_CLASS"]`` of every learnplat list. Both sizes are read per
request: ``PAGE_SIZE`` from ``LEARNPLAT``, else the host's ``REST_FRAMEWORK["PAGE_SIZE"]``, else
20; ``?page_size=`` is honoured up to ``MAX_PAGE_SIZE`` (100), or up to ``PAGE_SIZE`` when that
is larger::

    LEARNPLAT = {"PAGE_SIZE": 50, "MAX_PAGE_SIZE": 500}
"""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination, _positive_int
from rest_framework.request import Request

from learnplat.conf import settings


class LearnplatPagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}`` with ``?page=`` and ``?page_size=``."""

    page_size_query_param = "page_size"

    def get_page_size(self, request: Request) -> int:
        self.page_size = int(settings.PAGE_SIZE)
        # A host's REST_FRAMEWORK["PAGE_SIZE"] may exceed learnplat's cap, which the host did
        # not choose: asking for the default size must never give less than the default.
        self.max_page_size = max(int(settings.MAX_PAGE_SIZE), self.page_size)
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                return _positive_int(raw, strict=True, cutoff=self.max_page_size)
            except (KeyError, ValueError):
                pass
        return self.page_size

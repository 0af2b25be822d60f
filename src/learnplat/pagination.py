"""Page-number pagination sized by ``LEARNPLAT["PAGE_SIZE"]`` and ``["MAX_PAGE_SIZE"]``.

Both are read per request: ``?page_size=`` is honoured up to the cap.
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
        self.max_page_size = int(settings.MAX_PAGE_SIZE)
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                return _positive_int(raw, strict=True, cutoff=self.max_page_size)
            except (KeyError, ValueError):
                pass
        return self.page_size

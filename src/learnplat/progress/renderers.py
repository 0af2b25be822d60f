"""``?format=csv`` for the gradebook, through DRF's content negotiation.

The view streams the CSV itself (a ``StreamingHttpResponse``); the renderer exists so DRF's
negotiation accepts ``?format=csv`` and ``Accept: text/csv``. Errors are rendered as JSON
whatever the format asked for (see ``GradebookView.finalize_response``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        # Only reached if a view returns a Response for CSV, which learnplat's never do.
        return str(data).encode(self.charset)

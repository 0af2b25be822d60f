"""Ralph's ASGI app as the xAPI tests run it (``uvicorn ralph_app:app`` in Ralph's venv; no module
beside it may be named ``ralph``).

Ralph 5.1's filesystem LRS backend writes with the ``create`` operation, which refuses to
touch a statements file that exists: every POST after the first answers 500. Appending is
what a statement store does, and the file backend supports it; this is the one change made
to Ralph, before its app is imported. Nothing here runs in learnplat's own venv.
"""

from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402

__all__ = ["app"]

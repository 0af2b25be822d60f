"""Background tasks of the LTI app (Django's tasks API).

``sync_rosters`` fetches each bound context's membership from the platform (NRPS) and
applies it; ``manage.py learnplat_lti_sync_rosters`` runs the same from cron. Enqueue it
periodically on ``LEARNPLAT["LTI"]["TASK_BACKEND"]``/``["QUEUE_NAME"]`` with your scheduler.
"""

from __future__ import annotations

import logging
from typing import Any

from lti_tool.models import LtiContext
from pylti1p3.exception import LtiException

from learnplat.compat import task
from learnplat.flows import lti as lti_flows
from learnplat.lti.services import fetch_member_data

logger = logging.getLogger(__name__)


def roster_contexts(context_ids: list[int] | None = None) -> Any:
    """Contexts with a membership URL whose links open a learnplat course."""
    contexts = (
        LtiContext.objects.exclude(memberships_url="")
        .filter(resource_links__learnplat_binding__isnull=False)
        .select_related("deployment__registration")
        .distinct()
        .order_by("pk")
    )
    return contexts.filter(pk__in=context_ids) if context_ids is not None else contexts


def sync_rosters_now(context_ids: list[int] | None = None) -> dict[str, int]:
    """Sync every roster (or those of ``context_ids``); a platform that fails is logged and
    skipped, the others still sync. Returns totals."""
    totals = {"contexts": 0, "failed": 0, "added": 0, "changed": 0, "dropped": 0}
    for context in roster_contexts(context_ids):
        try:
            members = fetch_member_data(context)
        except (LtiException, OSError, ValueError) as exc:
            # OSError covers requests' connection errors; ValueError a body that is not JSON.
            logger.warning("NRPS fetch failed for LTI context %s: %s", context.pk, exc)
            totals["failed"] += 1
            continue
        report = lti_flows.sync_roster(context=context, members=members)
        totals["contexts"] += 1
        totals["added"] += report.added
        totals["changed"] += report.changed
        totals["dropped"] += report.dropped
    return totals


@task()
def sync_rosters(context_ids: list[int] | None = None) -> dict[str, int]:
    """:func:`sync_rosters_now` as a task."""
    return sync_rosters_now(context_ids)

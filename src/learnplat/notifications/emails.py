"""The e-mail of a notification, rendered from templates a host may override.

For a notification of kind ``<kind>`` (``submission_graded``, ...), Django's template loaders
look for::

    learnplat/notifications/<kind>_subject.txt   one line (newlines are dropped)
    learnplat/notifications/<kind>_body.txt      the plain-text body
    learnplat/notifications/<kind>_body.html     optional: an HTML alternative

with the context ``{"notification", "kind", "data", "user"}``. A host overrides any of them
by putting a file of the same path in one of its template directories. The message goes
through Django's e-mail API (``EMAIL_BACKEND``, ``DEFAULT_FROM_EMAIL``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings as django_settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

if TYPE_CHECKING:
    from learnplat.notifications.models import Notification

TEMPLATE_DIR = "learnplat/notifications"


def email_message(notification: Notification, *, to: str) -> EmailMultiAlternatives:
    """The message telling ``to`` about ``notification`` (not sent)."""
    context: dict[str, Any] = {
        "notification": notification,
        "kind": notification.kind,
        "data": notification.data,
        "user": notification.user,
    }
    prefix = f"{TEMPLATE_DIR}/{notification.kind}"
    subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
    body = render_to_string(f"{prefix}_body.txt", context)
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=django_settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    try:
        html = render_to_string(f"{prefix}_body.html", context)
    except TemplateDoesNotExist:
        return message
    message.attach_alternative(html, "text/html")
    return message

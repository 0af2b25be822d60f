"""Signals of the accounts app, sent once the transaction that caused them has committed.

``user_registered(sender=<user model>, user=<user>)``: a user signed up through
``auth/register/`` (welcome e-mails, host-side profiles, analytics)::

    from learnplat.accounts.signals import user_registered

    @receiver(user_registered)
    def welcome(sender, user, **kwargs):
        send_welcome_email.enqueue(user.pk)
"""

from __future__ import annotations

from django.dispatch import Signal

user_registered = Signal()

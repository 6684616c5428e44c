"""Sending the e-mail outbox.

Each pending row is claimed with a conditional UPDATE (pending → sending) before it is sent,
so two workers never send the same row; a row stuck in ``sending`` (worker killed) is
retried after ``STALE_AFTER``.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import EmailState, Notification

log = logging.getLogger(__name__)
BATCH = 200
STALE_AFTER = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5


def _render(notification: Notification) -> EmailMultiAlternatives:
    recipient = notification.recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        context = {"n": notification, "claim": notification.claim, "user": recipient, "site_url": settings.SITE_URL}
        subject = render_to_string("notifications/email/subject.txt", context).strip().replace("\n", " ")
        text = render_to_string("notifications/email/body.txt", context)
        html = render_to_string("notifications/email/body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def send_pending(limit: int = 10_000) -> dict:
    """Send up to ``limit`` pending e-mails; returns counts."""
    now = timezone.now()
    sent = failed = skipped = 0
    due = Q(email_state=EmailState.PENDING) | Q(email_state=EmailState.SENDING, email_claimed_at__lt=now - STALE_AFTER)
    while sent + failed + skipped < limit:
        ids = list(Notification.objects.filter(due).order_by("id").values_list("id", flat=True)[:BATCH])
        if not ids:
            break
        for pk in ids:
            claimed = Notification.objects.filter(due, pk=pk).update(
                email_state=EmailState.SENDING, email_claimed_at=timezone.now()
            )
            if claimed != 1:
                continue  # another worker took it
            n = Notification.objects.select_related("recipient", "claim").get(pk=pk)
            if not n.recipient.email or not n.recipient.is_active:
                Notification.objects.filter(pk=pk).update(email_state=EmailState.SKIPPED)
                skipped += 1
                continue
            try:
                _render(n).send()
            except Exception:
                log.exception("sending notification %s failed", pk)
                state = EmailState.FAILED if n.email_attempts + 1 >= MAX_ATTEMPTS else EmailState.PENDING
                Notification.objects.filter(pk=pk).update(email_state=state, email_attempts=n.email_attempts + 1)
                failed += 1
                continue
            Notification.objects.filter(pk=pk).update(
                email_state=EmailState.SENT, email_sent_at=timezone.now(), email_attempts=n.email_attempts + 1
            )
            sent += 1
        if failed:
            break
    return {"sent": sent, "failed": failed, "skipped": skipped}

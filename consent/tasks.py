"""Celery tasks of the consent e-mails: one link's e-mail right after the commit that opened it,
and every minute the safety net that sends whatever is still pending (beat:
``send-pending-consent-emails``). Both are idempotent: each row is claimed with a conditional
``UPDATE`` before it is sent (``consent.sending``)."""

import logging
import time

from celery import shared_task

from consent.sending import send_consent_emails
from lib.tasks import retrying
from notifications.sending import MailServerUnavailable

log = logging.getLogger(__name__)
RETRY = retrying(MailServerUnavailable)


def _log_run(name: str, counts: dict, started: float) -> None:
    log.info(
        "%s: sent=%d failed=%d bounced=%d cancelled=%d duration_ms=%d",
        name,
        counts["sent"],
        counts["failed"],
        counts["bounced"],
        counts["cancelled"],
        (time.monotonic() - started) * 1000,
    )


@shared_task(**RETRY)
def send_consent_email(request_id: int):
    """Send the e-mail of one consent link, if it is still due (a second delivery of this task
    finds it sent and does nothing)."""
    started = time.monotonic()
    counts = send_consent_emails(ids=[int(request_id)])
    _log_run("send_consent_email", counts, started)
    return counts


@shared_task(**RETRY)
def send_pending_consent_emails():
    """Send every consent e-mail still due (the shortcut missed: broker down, worker killed)."""
    started = time.monotonic()
    counts = send_consent_emails()
    _log_run("send_pending_consent_emails", counts, started)
    return counts

"""Celery task of the outbox: send what is pending (beat, every minute, and right after each
change that notifies). The claims' own jobs (the SLA sweep, the subscription re-check) are in
``claims.tasks``; their registered names stay ``notifications.tasks.*`` so that messages already
queued and the beat schedule keep resolving."""

import logging
import time

from celery import shared_task

from lib.tasks import retrying
from notifications.sending import MailServerUnavailable, send_pending

log = logging.getLogger(__name__)
RETRY = retrying(MailServerUnavailable)


def _log_run(counts: dict, started: float, note: str = "") -> None:
    log.info(
        "send_pending_notifications: sent=%d failed=%d skipped=%d duration_ms=%d%s",
        counts["sent"],
        counts["failed"],
        counts["skipped"],
        (time.monotonic() - started) * 1000,
        note,
    )


@shared_task(**RETRY)
def send_pending_notifications():
    """Send the outbox once; returns and logs (one INFO line) the rows this run marked sent,
    failed (put back for a retry, or given up) and skipped."""
    started = time.monotonic()
    try:
        counts = send_pending()
    except MailServerUnavailable as exc:  # stopped early: log what was done, then retry
        _log_run(exc.counts, started, " (stopped: the mail server is unreachable)")
        raise
    _log_run(counts, started)
    return counts

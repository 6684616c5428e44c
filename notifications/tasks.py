"""Celery task of the outbox: send what is pending (beat, every minute, and right after each
change that notifies). The claims' own jobs (the SLA sweep, the subscription re-check) are in
``claims.tasks``; their registered names stay ``notifications.tasks.*`` so that messages already
queued and the beat schedule keep resolving."""

from celery import shared_task

from lib.tasks import retrying
from notifications.sending import MailServerUnavailable, send_pending

RETRY = retrying(MailServerUnavailable)


@shared_task(**RETRY)
def send_pending_notifications():
    return send_pending()

"""Celery tasks. Each takes ids or nothing, loads current state, and calls a service, so a
re-delivered task (``acks_late``: a worker killed mid-task gets its message again) does no
harm: the sweep and the re-check are idempotent, and the outbox claims each row before
sending it.

Transient errors (the database restarting, the mail server away) retry with exponential
backoff and jitter; anything else fails the task, and the next periodic run starts afresh.
"""

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from notifications.sending import MailServerUnavailable

TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
    MailServerUnavailable,
)
RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
    "ignore_result": True,
}


@shared_task(**RETRY)
def send_pending_notifications():
    from notifications.sending import send_pending

    return send_pending()


@shared_task(**RETRY)
def sla_sweep(chunk_size=None):
    from notifications.sweep import run_sla_sweep

    return run_sla_sweep(chunk_size=chunk_size)


@shared_task(**RETRY)
def recheck_subscriptions():
    from notifications.recheck import run_subscription_recheck

    return run_subscription_recheck()

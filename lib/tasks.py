"""What every Celery task of ours shares: which errors are transient, and how to retry them.

Tasks take ids or nothing, load the current state and call a use case, so a re-delivered task
(``acks_late``: a worker killed mid-task gets its message again) does no harm. Transient errors
(the database restarting, the mail server away) retry with exponential backoff and jitter;
anything else fails the task, and the next periodic run starts afresh.
"""

import smtplib

from django.db import InterfaceError, OperationalError

TRANSIENT_ERRORS = (OperationalError, InterfaceError, smtplib.SMTPException, ConnectionError, TimeoutError)


def retrying(*extra_errors: type[BaseException]) -> dict:
    """``@shared_task(**retrying())`` options: retry ``TRANSIENT_ERRORS`` (and ``extra_errors``)
    up to five times, 5 s doubling to 5 minutes with jitter; acknowledge late; keep no result."""
    return {
        "autoretry_for": (*TRANSIENT_ERRORS, *extra_errors),
        "retry_backoff": 5,
        "retry_backoff_max": 300,
        "retry_jitter": True,
        "max_retries": 5,
        "acks_late": True,
        "ignore_result": True,
    }

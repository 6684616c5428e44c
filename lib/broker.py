"""Queueing a Celery task from a web request without waiting on the broker (docs/operations.md,
"Timeouts"): one connection attempt with short timeouts (``BROKER_PUBLISH_TIMEOUT``, a frozen
Redis accepts the connection and never answers) and no retries (kombu would keep trying for
seconds); after a failure the broker is skipped for ``BROKER_BREAKER_SECONDS`` (``lib.breaker``).
For "do it now" shortcuts only: what they queue must also be done by a periodic task (the
outbox's and the consent e-mails' periodic sends), so a missed shortcut only delays it."""

from django.conf import settings

from cpor_portal.celery import app
from lib.breaker import Breaker

_breaker = Breaker("broker", lambda: settings.BROKER_BREAKER_SECONDS)


def queue_task_quickly(name: str, *, args=(), what: str) -> bool:
    """Queue the task registered as ``name``; never raises. Returns whether it was queued;
    ``what`` says in the log what stays pending for the periodic task meanwhile."""
    if not _breaker.available():  # failed moments ago: do not wait on it again
        return False
    timeout = settings.BROKER_PUBLISH_TIMEOUT
    options = {
        **(app.conf.broker_transport_options or {}),
        "max_retries": 0,
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
    }
    try:
        with app.connection_for_write(transport_options=options) as connection:
            app.send_task(name, args=list(args), retry=False, connection=connection)
    except Exception as exc:  # broker unreachable (kombu OperationalError, socket errors, …)
        _breaker.failed(f"queue {what}", exc)
        return False
    return True

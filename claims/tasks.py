"""Celery tasks of the claims' periodic jobs (``claims.jobs``, ``claims.pending``), scheduled in
``CELERY_BEAT_SCHEDULE``. Each is idempotent: run twice, or crash half-way and run again, and
nothing is sent twice or lost (docs/jobs.md).

The registered names are ``notifications.tasks.*``, where the jobs used to live: beat's schedule
and any message already queued under those names keep resolving.
"""

from celery import shared_task

from claims.jobs.recheck import run_subscription_recheck
from claims.jobs.sweep import run_sla_sweep
from claims.pending import pending_expire
from lib.tasks import retrying


@shared_task(name="notifications.tasks.sla_sweep", **retrying())
def sla_sweep(chunk_size=None):
    return run_sla_sweep(chunk_size=chunk_size)


@shared_task(name="notifications.tasks.recheck_subscriptions", **retrying())
def recheck_subscriptions():
    return run_subscription_recheck()


@shared_task(name="claims.tasks.expire_kept_uploads", **retrying())
def expire_kept_uploads():
    """Kept claim-form files past ``PENDING_UPLOAD_TTL``: expired, their files deleted."""
    expired = total = pending_expire()
    while expired:  # a backlog goes in batches, each its own transaction
        expired = pending_expire()
        total += expired
    return total

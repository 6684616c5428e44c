"""Celery tasks of the claims' periodic jobs (``claims.jobs``), scheduled in
``CELERY_BEAT_SCHEDULE``. Both are idempotent: run twice, or crash half-way and run again, and
nothing is sent twice or lost (docs/jobs.md).

The registered names are ``notifications.tasks.*``, where the jobs used to live: beat's schedule
and any message already queued under those names keep resolving.
"""

from celery import shared_task

from claims.jobs.recheck import run_subscription_recheck
from claims.jobs.sweep import run_sla_sweep
from lib.tasks import retrying


@shared_task(name="notifications.tasks.sla_sweep", **retrying())
def sla_sweep(chunk_size=None):
    return run_sla_sweep(chunk_size=chunk_size)


@shared_task(name="notifications.tasks.recheck_subscriptions", **retrying())
def recheck_subscriptions():
    return run_subscription_recheck()

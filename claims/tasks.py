"""Celery tasks of the claims' periodic jobs (``claims.jobs``, ``claims.pending``), scheduled in
``CELERY_BEAT_SCHEDULE``. Each is idempotent: run twice, or crash half-way and run again, and
nothing is sent twice or lost (docs/jobs.md).

The registered names are ``notifications.tasks.*``, where the jobs used to live: beat's schedule
and any message already queued under those names keep resolving.

Each run logs one INFO line (``<job>: figure=n … duration_ms=n``, ``claims.jobs.rows.log_job_run``)
whose figures are the rows it wrote; the task returns the same figures (Celery's own "succeeded"
line repeats them).
"""

import logging
import time

from celery import shared_task

from claims.jobs.drafts import run_draft_expiry
from claims.jobs.recheck import run_subscription_recheck
from claims.jobs.rows import log_job_run
from claims.jobs.sweep import run_sla_sweep
from claims.pending import pending_expire
from lib.tasks import retrying

log = logging.getLogger(__name__)


@shared_task(name="notifications.tasks.sla_sweep", **retrying())
def sla_sweep(chunk_size=None):
    return run_sla_sweep(chunk_size=chunk_size)


@shared_task(name="notifications.tasks.recheck_subscriptions", **retrying())
def recheck_subscriptions():
    return run_subscription_recheck()


@shared_task(name="claims.tasks.expire_drafts", **retrying())
def expire_drafts():
    """Drafts nobody changed: a notice a week before, then expiry (claims.jobs.drafts)."""
    return run_draft_expiry()


@shared_task(name="claims.tasks.expire_kept_uploads", **retrying())
def expire_kept_uploads():
    """Kept claim-form files past ``PENDING_UPLOAD_TTL``: expired, their files deleted. Returns
    and logs (one INFO line) how many rows this run expired."""
    started = time.monotonic()
    expired = total = pending_expire()
    while expired:  # a backlog goes in batches, each its own transaction
        expired = pending_expire()
        total += expired
    log_job_run("expire_kept_uploads", {"expired": total}, started=started, logger=log)
    return total

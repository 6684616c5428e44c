"""Drafts nobody touched (Partner Center lets drafts expire): a draft unchanged for
``DRAFT_EXPIRY_DAYS`` (60) days expires — it is withdrawn by the system, kept, and, never having
been submitted, stays the partner's own business (``claims.models.NEVER_SUBMITTED``) — and the
company's members are told a week before (docs/jobs.md, "Draft expiry").

Set-based, in pages of claim ids: the notices are one insert per page of drafts (deduplicated
per draft, per time it was last changed, and per user, so a draft changed and left again is
announced again, and a second run announces nothing), the expiry one locked update per page
with its audit events and system comments in bulk. Run daily by beat; idempotent."""

import datetime as dt
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F

from audit.models import AuditEvent
from claims.jobs.rows import insert_notifications, iso, log_job_run, record_job_run, system_comments
from claims.models import Claim
from claims.states import TRANSITIONS, Status
from lib import clock
from partners.selectors import partner_members

CHUNK = 1000
NOTICE_DAYS = 7  # the notice comes this many days before the draft expires


def _drafts(**filters):
    return Claim.objects.filter(status=Status.EDITING, **filters).order_by("pk")


def _notify_expiring(now, *, chunk_size: int) -> tuple[int, int]:
    """(drafts announced, notifications written) for drafts that expire within NOTICE_DAYS."""
    days = settings.DRAFT_EXPIRY_DAYS
    expire_before = now - dt.timedelta(days=days)
    notice_before = now - dt.timedelta(days=days - NOTICE_DAYS)
    drafts = notes = 0
    last = 0
    while True:
        rows = list(
            _drafts(pk__gt=last, updated_at__lt=notice_before, updated_at__gte=expire_before).values_list(
                "pk", "partner_id", "updated_at"
            )[:chunk_size]
        )
        if not rows:
            return drafts, notes
        last = rows[-1][0]
        members = partner_members({partner for _pk, partner, _at in rows})
        batch = [
            (
                user,
                pk,
                "draft_expiring",
                {"expires_at": iso(changed + dt.timedelta(days=days))},
                f"draft-expiry:{pk}:{iso(changed)}:{user}",
            )
            for pk, partner, changed in rows
            for user in members.get(partner, [])
        ]
        with transaction.atomic():
            inserted = insert_notifications(batch, created_at=now)
        drafts += inserted.claims
        notes += inserted.rows


def _expire(now, *, chunk_size: int) -> int:
    """Withdraw the drafts unchanged for DRAFT_EXPIRY_DAYS; the number withdrawn."""
    step = TRANSITIONS["expire_draft"]
    expire_before = now - dt.timedelta(days=settings.DRAFT_EXPIRY_DAYS)
    expired = 0
    while True:
        with transaction.atomic():
            # Locked in id order like every writer of several claims; a draft a partner saves
            # meanwhile is no longer older than the cut-off and is left alone.
            ids = list(
                _drafts(updated_at__lt=expire_before)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:chunk_size]
            )
            if not ids:
                return expired
            rows = list(Claim.objects.filter(pk__in=ids).values_list("pk", "version"))
            Claim.objects.filter(pk__in=ids).update(
                status=step.target, version=F("version") + 1, updated_at=now, due_at=None, due_kind=""
            )
            AuditEvent.objects.bulk_create(
                AuditEvent(  # no actor: the system did it (lib.actors.SYSTEM)
                    action=f"claims.claim.{step.event}",
                    claim_id=pk,
                    from_status=Status.EDITING,
                    to_status=step.target,
                    data={"automatic": True, "version": version + 1, "days": settings.DRAFT_EXPIRY_DAYS},
                    created_at=now,
                )
                for pk, version in rows
            )
            system_comments(ids, "draft_expired", created_at=now)
            expired += len(ids)


def run_draft_expiry(*, now=None, chunk_size: int = CHUNK) -> dict:
    started = time.monotonic()
    now = now or clock.now()
    announced, notes = _notify_expiring(now, chunk_size=chunk_size)
    expired = _expire(now, chunk_size=chunk_size)
    figures = {"drafts_announced": announced, "expiry_notifications": notes, "drafts_expired": expired}
    record_job_run("draft_expiry", started=started, result=figures)
    log_job_run("draft_expiry", figures, started=started)
    return figures

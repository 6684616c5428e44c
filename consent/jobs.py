"""The SLA sweep's consent rule (``claims.jobs.sweep``): approvals whose opt-out window passed
become final.

Set-based: a page of due links (the partial index ``consent_window_idx``: current links whose
window has an end and that are not final yet) is locked with ``SKIP LOCKED`` (a customer
declining at this very moment wins; the next run sees that link again), marked final in one
``UPDATE`` and audited with one event per claim, in one transaction per page. A link stays in
the index only until it is marked, so a run reads what became due since the last one. An
approval reverted meanwhile is marked too: ``final_at`` says the window of the last approval
closed, and a new approval opens a new window (``consent.requests.consent_window_start``).
"""

from django.db import transaction

from audit.models import AuditEvent
from consent.models import ConsentRequest
from lib import clock

CHUNK = 10_000


def consent_windows_close(*, now=None, chunk: int | None = None) -> int:
    """Mark final every current link whose approval window has passed by ``now``; returns the
    rows this run marked (a link another run or a decline holds is not counted)."""
    now = now or clock.now()
    chunk = chunk or CHUNK
    due = ConsentRequest.objects.filter(
        final_at__isnull=True, superseded_at__isnull=True, window_ends_at__isnull=False, window_ends_at__lte=now
    )
    closed = 0
    while True:
        with transaction.atomic():
            rows = list(
                due.select_for_update(skip_locked=True)
                .order_by("window_ends_at", "id")
                .values_list("id", "claim_id", "window_ends_at")[:chunk]
            )
            if not rows:
                break
            written = ConsentRequest.objects.filter(pk__in=[pk for pk, _c, _w in rows], final_at__isnull=True).update(
                final_at=now
            )
            AuditEvent.objects.bulk_create(
                AuditEvent(
                    action="consent.window.closed",
                    claim_id=claim_id,
                    data={"request": pk, "window_ends_at": ends.isoformat()},
                    created_at=now,
                )
                for pk, claim_id, ends in rows
            )
        closed += written
        if len(rows) < chunk:
            break
    return closed

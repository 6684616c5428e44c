"""The SLA sweep (beat, every two minutes; ``manage.py sla_sweep`` runs the same code once).

Five rules, each a range query on an indexed deadline column:

1. reviewer reminder: a claim awaiting Microsoft (submitted, under review, disputed) whose
   review deadline falls within the next business day → its assignee, or the review leads
   when nobody is assigned;
2. escalation: such a deadline has passed → the review leads;
3. partner reminder: an ``action_required`` deadline within the next two business days →
   the partner's users;
4. automatic rejection with reason *no partner response* once that deadline has passed,
   through ``claims.services.claim_reject`` (one transaction per claim; a claim that changed
   meanwhile is skipped);
5. dispute window closed: a rejected claim whose 30 days have passed gets the system comment
   ``dispute_window_closed`` and its partner is told, once (a ``SweepMark``).

Exactly once, however it runs: each reminder row has a ``dedupe_key`` (claim, deadline,
recipient) and is inserted with ON CONFLICT DO NOTHING, chunk by chunk, each chunk in its own
transaction. Two sweeps at the same moment insert the same keys and the database keeps one;
a sweep killed half-way has committed whole chunks only, and the next run inserts the rest.
Long deadlines live in the database (``Claim.due_at``), never as Celery countdowns.

Cursors: each run remembers (in ``JobRun("sla_sweep").last_result``) how far it looked, and
the next run starts there minus ``CURSOR_MARGIN``, so the steady-state cost is the claims that
became due since the last run, not every claim that is overdue. Deadlines are only ever set
forward (``business_days_after(now, n)``), so nothing appears behind a cursor; ``--full``
(``full=True``) ignores the cursors after an operator edited deadlines by hand.
"""

import datetime as dt
import json
import logging
import time
import uuid

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from claims.errors import ClaimError
from claims.models import Claim, Comment, CommentKind, DueKind, Status
from lib.business_days import business_days_after
from notifications.models import EmailState, JobRun, Notification, SweepMark
from notifications.services import deferred_outbox_flush, queue_outbox_flush, review_lead_ids

log = logging.getLogger(__name__)

JOB_NAME = "sla_sweep"
CHUNK = 5000
INSERT_BATCH = 1000
# Deadlines are only ever set ahead of "now", so the margin only has to cover clocks that
# differ between the web servers, the workers and the database.
CURSOR_MARGIN = dt.timedelta(minutes=5)
# Automatic rejections go one by one through the state machine; past this many seconds the
# rest waits for the next run (two minutes later) so a huge backlog never blocks the sweep.
REJECT_BUDGET_SECONDS = 90.0
REJECT_BATCH = 100  # claims per transaction (each in its own savepoint)
# Without a cursor (the first run on an existing database, or --full) dispute windows that
# closed longer ago than this are not announced: a partner gains nothing from hearing about a
# rejection of last year.
DISPUTE_LOOKBACK = dt.timedelta(days=7)

REVIEW_WAITING = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.DISPUTED)
REVIEW_DEADLINES = (DueKind.REVIEW_START, DueKind.DECISION)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def _parse(value) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _chunks(qs, fields: tuple[str, ...], size: int, order: str = "due_at"):
    """Pages of ``qs`` in (order, id) order by keyset: one indexed range query per page.
    ``fields`` starts with ``id`` and ``order``."""
    last = None
    while True:
        page = qs
        if last is not None:
            page = page.filter(Q(**{f"{order}__gt": last[1]}) | Q(**{order: last[1], "id__gt": last[0]}))
            page = page.filter(**{f"{order}__gte": last[1]})
        rows = list(page.order_by(order, "id").values_list(*fields)[:size])
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        last = rows[-1]


def insert_notifications(rows: list[tuple], *, created_at) -> None:
    """Insert ``(recipient_id, claim_id, kind, data, dedupe_key)`` rows, skipping existing
    keys (ON CONFLICT DO NOTHING). On PostgreSQL one ``INSERT … SELECT FROM unnest(…)`` with
    server-side binding per call: at 100,000 rows the ORM's per-field preparation and
    client-side quoting took four times as long as this whole insert."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Notification.objects.bulk_create(
            [
                Notification(recipient_id=r, claim_id=c, kind=k, data=d, dedupe_key=key, created_at=created_at)
                for r, c, k, d, key in rows
            ],
            ignore_conflicts=True,
            batch_size=INSERT_BATCH,
        )
        return
    import psycopg

    recipients, claims, kinds, data, keys = (list(column) for column in zip(*rows, strict=True))
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:  # server-side binding: arrays go as binary
        cursor.execute(
            f"""
            INSERT INTO {Notification._meta.db_table}
                (recipient_id, claim_id, kind, data, dedupe_key, created_at, email_state, email_attempts, email_error)
            SELECT t.r, t.c, t.k, t.d::jsonb, t.key, %s, %s, 0, ''
            FROM unnest(%b::bigint[], %b::bigint[], %b::text[], %b::text[], %b::text[]) AS t(r, c, k, d, key)
            ON CONFLICT (dedupe_key) DO NOTHING
            """,  # noqa: S608 (the table name is ours, every value a parameter)
            [created_at, EmailState.PENDING, recipients, claims, kinds, [json.dumps(x) for x in data], keys],
        )


def _insert(rows: list[tuple], created_at) -> None:
    if not rows:
        return
    with transaction.atomic():
        insert_notifications(rows, created_at=created_at)
        queue_outbox_flush()


def _partner_members(partner_ids) -> dict[int, list[int]]:
    from partners.models import Membership

    members: dict[int, list[int]] = {}
    rows = Membership.objects.filter(partner_id__in=set(partner_ids), user__is_active=True).values_list(
        "partner_id", "user_id"
    )
    for partner_id, user_id in rows:
        members.setdefault(partner_id, []).append(user_id)
    return members


# --- the rules ----------------------------------------------------------------------------


def _reviewer_reminders(*, lo, hi, leads, chunk, created_at) -> int:
    qs = Claim.objects.filter(status__in=REVIEW_WAITING, due_kind__in=REVIEW_DEADLINES, due_at__gt=lo, due_at__lte=hi)
    seen = 0
    for rows in _chunks(qs, ("id", "due_at", "due_kind", "assignee_id"), chunk):
        notes = []
        for pk, due_at, kind, assignee_id in rows:
            iso = _iso(due_at)
            data = {"due_at": iso, "due_kind": kind}
            for user_id in [assignee_id] if assignee_id else leads:
                notes.append((user_id, pk, "reviewer_reminder", data, f"reminder:{kind}:{pk}:{iso}:{user_id}"))
        _insert(notes, created_at)
        seen += len(rows)
    return seen


def _escalations(*, lo, hi, leads, chunk, created_at) -> int:
    qs = Claim.objects.filter(status__in=REVIEW_WAITING, due_kind__in=REVIEW_DEADLINES, due_at__lte=hi)
    if lo is not None:
        qs = qs.filter(due_at__gt=lo)
    seen = 0
    for rows in _chunks(qs, ("id", "due_at", "due_kind", "assignee_id"), chunk):
        notes = []
        for pk, due_at, kind, assignee_id in rows:
            iso = _iso(due_at)
            data = {"due_at": iso, "due_kind": kind}
            # Without any review lead the breach still reaches someone: the assignee.
            for user_id in leads or ([assignee_id] if assignee_id else []):
                notes.append((user_id, pk, "escalation", data, f"escalation:{kind}:{pk}:{iso}:{user_id}"))
        _insert(notes, created_at)
        seen += len(rows)
    return seen


def _partner_reminders(*, lo, hi, chunk, created_at) -> int:
    qs = Claim.objects.filter(
        status=Status.ACTION_REQUIRED, due_kind=DueKind.PARTNER_RESPONSE, due_at__gt=lo, due_at__lte=hi
    )
    seen = 0
    for rows in _chunks(qs, ("id", "due_at", "partner_id"), chunk):
        members = _partner_members(partner_id for _pk, _due, partner_id in rows)
        notes = []
        kind = DueKind.PARTNER_RESPONSE.value
        for pk, due_at, partner_id in rows:
            iso = _iso(due_at)
            data = {"due_at": iso, "due_kind": kind}
            for user_id in members.get(partner_id, ()):
                notes.append((user_id, pk, "partner_reminder", data, f"reminder:{kind}:{pk}:{iso}:{user_id}"))
        _insert(notes, created_at)
        seen += len(rows)
    return seen


def _close_dispute_windows(*, lo, hi, chunk, created_at) -> int:
    qs = Claim.objects.filter(status=Status.REJECTED, dispute_until__lte=hi)
    if lo is not None:
        qs = qs.filter(dispute_until__gt=lo)
    closed = 0
    for rows in _chunks(qs, ("id", "dispute_until", "partner_id"), chunk, order="dispute_until"):
        run = uuid.uuid4()
        keys = {f"dispute_window_closed:{pk}:{_iso(until)}": (pk, until, partner_id) for pk, until, partner_id in rows}
        with transaction.atomic():
            SweepMark.objects.bulk_create(
                [SweepMark(key=key, claim_id=pk, run=run, created_at=created_at) for key, (pk, _u, _p) in keys.items()],
                ignore_conflicts=True,
                batch_size=INSERT_BATCH,
            )
            # The marks this run inserted are its to handle; a concurrent run skipped them.
            mine = [
                keys[k] for k in SweepMark.objects.filter(key__in=list(keys), run=run).values_list("key", flat=True)
            ]
            if not mine:
                continue
            Comment.objects.bulk_create(
                [
                    Comment(claim_id=pk, kind=CommentKind.SYSTEM, code="dispute_window_closed", created_at=created_at)
                    for pk, _until, _partner in mine
                ],
                batch_size=INSERT_BATCH,
            )
            members = _partner_members(partner_id for _pk, _until, partner_id in mine)
            notes = [
                (
                    user_id,
                    pk,
                    "dispute_window_closed",
                    {"dispute_until": _iso(until)},
                    f"dispute_window_closed:{pk}:{_iso(until)}:{user_id}",
                )
                for pk, until, partner_id in mine
                for user_id in members.get(partner_id, ())
            ]
            insert_notifications(notes, created_at=created_at)
            queue_outbox_flush()
        closed += len(mine)
    return closed


def _auto_reject(*, now, chunk, budget) -> dict:
    """Reject each claim whose partner did not answer in time, set-based:
    ``claims.services.claims_reject_unanswered`` locks a chunk's rows (SKIP LOCKED, so a
    partner answering at this moment wins), skips claims whose version changed since the
    select, and writes every claim's audit event, system comment and notifications in the
    chunk's one transaction."""
    from claims.services import claims_reject_unanswered

    stop_at = time.monotonic() + budget
    counts = {"rejected": 0, "skipped": 0, "errors": 0, "left": 0}
    qs = Claim.objects.filter(status=Status.ACTION_REQUIRED, due_kind=DueKind.PARTNER_RESPONSE, due_at__lte=now)
    for rows in _chunks(qs, ("id", "due_at", "version"), chunk):
        if time.monotonic() > stop_at:
            counts["left"] = 1  # at least one more; the next run goes on
            return counts
        try:
            done = claims_reject_unanswered(claims=[(pk, version) for pk, _due, version in rows], now=now)
        except ClaimError:
            log.exception("automatic rejection of %d claims failed", len(rows))
            counts["errors"] += len(rows)
            continue
        counts["rejected"] += done["rejected"]
        counts["skipped"] += done["skipped"]
    return counts


# --- the sweep ----------------------------------------------------------------------------


def _cursors() -> dict[str, dt.datetime]:
    run = JobRun.objects.filter(name=JOB_NAME).values_list("last_result", flat=True).first() or {}
    cursors = run.get("cursors", {}) if isinstance(run, dict) else {}
    return {name: value for name, value in ((k, _parse(v)) for k, v in cursors.items()) if value is not None}


def run_sla_sweep(*, now=None, chunk_size: int | None = None, full: bool = False, reject_budget=None) -> dict:
    """Run every rule once; returns what it did. Safe to run twice at once or after a crash."""
    started = time.monotonic()
    now = now or timezone.now()
    chunk = chunk_size or CHUNK
    created_at = timezone.now()
    previous = {} if full else _cursors()
    reviewer_until = business_days_after(now, 1)
    partner_until = business_days_after(now, 2)

    def since(name, floor=None):
        value = previous.get(name)
        value = value - CURSOR_MARGIN if value is not None else None
        if floor is not None:
            return max(value, floor) if value is not None else floor
        return value

    result = {}
    with deferred_outbox_flush():
        leads = review_lead_ids()
        result["reviewer_reminders"] = _reviewer_reminders(
            lo=since("reviewer_until", now), hi=reviewer_until, leads=leads, chunk=chunk, created_at=created_at
        )
        result["escalations"] = _escalations(
            lo=since("checked_until"), hi=now, leads=leads, chunk=chunk, created_at=created_at
        )
        result["partner_reminders"] = _partner_reminders(
            lo=since("partner_until", now), hi=partner_until, chunk=chunk, created_at=created_at
        )
        result["dispute_windows_closed"] = _close_dispute_windows(
            lo=since("checked_until", now - DISPUTE_LOOKBACK), hi=now, chunk=chunk, created_at=created_at
        )
        result["auto_rejections"] = _auto_reject(
            now=now, chunk=chunk, budget=REJECT_BUDGET_SECONDS if reject_budget is None else reject_budget
        )
    cursors = {"reviewer_until": reviewer_until, "partner_until": partner_until, "checked_until": now}
    record_job_run(JOB_NAME, started=started, result=result, cursors=cursors)
    return result


def record_job_run(name: str, *, started: float, result: dict, cursors: dict | None = None) -> None:
    """Remember a successful run (for /healthz and operators); cursors only move forward."""
    with transaction.atomic():
        run, _created = JobRun.objects.select_for_update().get_or_create(
            name=name, defaults={"last_success_at": timezone.now()}
        )
        stored = dict(run.last_result.get("cursors", {})) if isinstance(run.last_result, dict) else {}
        for key, value in (cursors or {}).items():
            old = _parse(stored.get(key))
            stored[key] = _iso(max(old, value) if old else value)
        run.last_success_at = timezone.now()
        run.last_duration_ms = int((time.monotonic() - started) * 1000)
        run.last_result = {**result, **({"cursors": stored} if stored else {})}
        run.save()

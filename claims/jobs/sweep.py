"""The SLA sweep (beat, every two minutes; ``manage.py sla_sweep`` runs the same code once).

Six rules, each a range query on an indexed deadline column:

1. reviewer reminder: a claim awaiting Microsoft (submitted, under review, disputed) whose
   review deadline falls within the next business day → its assignee, or the review leads
   when nobody is assigned;
2. escalation: such a deadline has passed → the review leads, as one digest per lead per
   sweep ("12 claims missed their review deadline, among them …", linking to the queue's
   overdue claims); a lone claim keeps its own notification. Without any lead each assignee
   hears of their own claims the same way;
3. partner reminder: an ``action_required`` deadline within the next two business days →
   the partner's users;
4. automatic rejection with reason *no partner response* once that deadline has passed,
   through ``claims.jobs.unanswered.claims_reject_unanswered`` (set-based, one transaction per
   chunk; a claim that changed meanwhile is skipped);
5. dispute window closed: a rejected claim whose 30 days have passed gets the system comment
   ``dispute_window_closed`` and its partner is told, once;
6. consent window closed: an approval whose customer may no longer decline it
   (``CONSENT_WINDOW``) becomes final, set-based (``consent.jobs.consent_windows_close``).

Exactly once, however it runs: each reminder row has a ``dedupe_key`` (claim, deadline,
recipient) and is inserted with ON CONFLICT DO NOTHING, chunk by chunk, each chunk in its own
transaction. Two sweeps at the same moment insert the same keys and the database keeps one;
a sweep killed half-way has committed whole chunks only, and the next run inserts the rest.
Escalations and closed dispute windows are claimed per claim with a ``SweepMark`` (claim,
deadline), inserted ON CONFLICT DO NOTHING RETURNING its key: the claims a run gets back are
its own to announce, in the transaction that inserted the marks, so a concurrent run (which
waits on the unique index, then gets nothing back) never announces them too and a crash
rolls marks and announcements back together.
Long deadlines live in the database (``Claim.due_at``), never as Celery countdowns.

What a run reports is what it wrote, never what it looked at: per rule the claims it reminded
(at least one reminder row inserted: a claim looked at again within ``CURSOR_MARGIN``, under
``--full``, already reminded or without anyone to tell counts nothing), escalated or closed (the
marks it inserted), and rejected (the rows its update wrote, RETURNING on PostgreSQL), as the
command prints, the task returns and ``JobRun`` keeps. One INFO line per run adds the
notifications each rule inserted (counted by the inserts' RETURNING on PostgreSQL; elsewhere
the keys that existed are read first in the same transaction), the claims skipped or failed, and
those the rejection budget left for the next run: ``sla_sweep: reviewer_reminders=3
reviewer_reminder_notifications=3 escalations=2 escalation_notifications=1 …``. A second run
right after logs zeros.

Cursors: each run remembers (in ``JobRun("sla_sweep").last_result``) how far it looked, and
the next run starts there minus ``CURSOR_MARGIN``, so the steady-state cost is the claims that
became due since the last run, not every claim that is overdue. Deadlines are only ever set
forward (``business_days_after(now, n)``), so nothing appears behind a cursor; ``--full``
(``full=True``) ignores the cursors after an operator edited deadlines by hand.

Cost (README, "Performance"): on PostgreSQL every write is one set-based statement per chunk
(``unnest`` arrays bound server-side), so a backlog of 100,000 due claims among 1,000,000 takes
seconds; on SQLite (the embedded default) the same rules run through the ORM.
"""

import datetime as dt
import logging
import time
import uuid

from django.db import connection, transaction
from django.db.models import Q

from accounts.models import User
from claims.errors import ClaimError
from claims.jobs.rows import (
    Inserted,
    claim_marks,
    insert_notifications,
    iso,
    log_job_run,
    parse_iso,
    pg_iso,
    record_job_run,
    system_comments,
)
from claims.jobs.unanswered import claims_reject_unanswered
from claims.models import Claim, DueKind
from claims.states import AWAITING_REVIEWER, Status, sources
from consent.jobs import consent_windows_close
from lib import clock
from lib.business_days import business_days_after
from lib.db import pg_execute
from lib.paging import keyset_pages
from notifications.models import EmailState, JobRun, Notification
from notifications.services import deferred_outbox_flush, queue_outbox_flush, review_lead_ids
from partners.models import Membership
from partners.selectors import partner_members

log = logging.getLogger(__name__)

JOB_NAME = "sla_sweep"
CHUNK = 10000  # claims per page (and per transaction); on PostgreSQL a page is one or two statements
# Deadlines are only ever set ahead of "now", so the margin only has to cover clocks that
# differ between the web servers, the workers and the database.
CURSOR_MARGIN = dt.timedelta(minutes=5)
# Past this many seconds of automatic rejections the rest waits for the next run (two minutes
# later) so a huge backlog never blocks the sweep.
REJECT_BUDGET_SECONDS = 90.0
# Without a cursor (the first run on an existing database, or --full) dispute windows that
# closed longer ago than this are not announced: a partner gains nothing from hearing about a
# rejection of last year.
DISPUTE_LOOKBACK = dt.timedelta(days=7)

# Escalations: claims per digest transaction (a backlog after an outage gets a digest per this
# many claims), and the references a digest names.
DIGEST_LIMIT = 50_000
DIGEST_REFERENCES = 5

REVIEW_WAITING = AWAITING_REVIEWER
REVIEW_DEADLINES = (DueKind.REVIEW_START, DueKind.DECISION)


# --- the rules ----------------------------------------------------------------------------


# The two reminder rules: which claims, which deadline kinds, who hears.
REVIEWER_REMINDER = {
    "kind": "reviewer_reminder",
    "statuses": REVIEW_WAITING,
    "due_kinds": REVIEW_DEADLINES,
    "to": "assignee",  # or the review leads while nobody is assigned
}
PARTNER_REMINDER = {
    "kind": "partner_reminder",
    "statuses": sources("reject_unanswered"),
    "due_kinds": (DueKind.PARTNER_RESPONSE,),
    "to": "partner",  # every active member of the claim's partner
}


def _pg_reminder_page(spec, *, lo, hi, after, chunk, leads, created_at) -> tuple[int, Inserted, tuple | None]:
    """One page of reminders as one statement: the claims (keyset after ``after``), their
    recipients and the notification rows never leave the database; the insert's RETURNING
    counts what it wrote (a key that exists already is skipped, and not counted)."""
    if spec["to"] == "partner":
        recipients = f"""
            SELECT p.id, p.due_kind, p.iso, m.user_id FROM page p
            JOIN {Membership._meta.db_table} m ON m.partner_id = p.partner_id
            JOIN {User._meta.db_table} u ON u.id = m.user_id AND u.is_active"""  # noqa: S608 (our table names)
    else:
        recipients = """
            SELECT p.id, p.due_kind, p.iso, r.user_id FROM page p
            CROSS JOIN LATERAL unnest(
                CASE WHEN p.assignee_id IS NULL THEN %(leads)s::bigint[] ELSE ARRAY[p.assignee_id] END
            ) AS r(user_id)"""
    rows = pg_execute(
        f"""
        WITH page AS (
            SELECT c.id, c.due_at, c.due_kind, c.assignee_id, c.partner_id, {pg_iso("c.due_at")} AS iso
            FROM {Claim._meta.db_table} c
            WHERE c.status = ANY(%(statuses)s) AND c.due_kind = ANY(%(due_kinds)s)
                AND c.due_at > %(lo)s AND c.due_at <= %(hi)s
                AND (c.due_at, c.id) > (%(after_due)s, %(after_id)s)
            ORDER BY c.due_at, c.id
            LIMIT %(chunk)s
        ), recipients AS ({recipients}
        ), inserted AS (
            INSERT INTO {Notification._meta.db_table}
                (recipient_id, claim_id, kind, data, dedupe_key, created_at, email_state, email_attempts, email_error)
            SELECT r.user_id, r.id, %(kind)s, jsonb_build_object('due_at', r.iso, 'due_kind', r.due_kind),
                'reminder:' || r.due_kind || ':' || r.id || ':' || r.iso || ':' || r.user_id,
                %(created_at)s, %(pending)s, 0, ''
            FROM recipients r
            ORDER BY r.id, r.user_id  -- claim order, as insert_notifications
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING claim_id
        )
        SELECT p.due_at, p.id, count(*) OVER (),
            (SELECT count(*) FROM inserted), (SELECT count(DISTINCT claim_id) FROM inserted)
        FROM page p ORDER BY p.due_at DESC, p.id DESC LIMIT 1
        """,  # noqa: S608 (the table names are ours, every value a parameter)
        {
            "statuses": [str(x) for x in spec["statuses"]],
            "due_kinds": [str(x) for x in spec["due_kinds"]],
            "lo": lo,
            "hi": hi,
            "after_due": after[0] if after else lo,
            "after_id": after[1] if after else 0,
            "chunk": chunk,
            "leads": list(leads),
            "kind": spec["kind"],
            "created_at": created_at,
            "pending": EmailState.PENDING,
        },
    )
    if not rows:
        return 0, Inserted(), after
    last_due, last_id, count, written, claims = rows[0]
    return count, Inserted(written, claims), (last_due, last_id)


def _reminder_page(spec, *, lo, hi, after, chunk, leads, created_at) -> tuple[int, Inserted, tuple | None]:
    """Insert the reminders of one page of claims (keyset after ``after``: ``(due_at, id)``);
    returns how many claims it read (for the paging), what it inserted (a reminder sent
    before is skipped, and not counted) and where the next page starts."""
    if connection.vendor == "postgresql":
        return _pg_reminder_page(spec, lo=lo, hi=hi, after=after, chunk=chunk, leads=leads, created_at=created_at)
    qs = Claim.objects.filter(
        status__in=spec["statuses"], due_kind__in=spec["due_kinds"], due_at__gt=lo, due_at__lte=hi
    )
    if after is not None:
        qs = qs.filter(Q(due_at__gt=after[0]) | Q(due_at=after[0], id__gt=after[1]))
    rows = list(
        qs.order_by("due_at", "id").values_list("id", "due_at", "due_kind", "assignee_id", "partner_id")[:chunk]
    )
    members = partner_members(row[4] for row in rows) if spec["to"] == "partner" else None
    notes = []
    for pk, due_at, kind, assignee_id, partner_id in rows:
        stamp = iso(due_at)
        data = {"due_at": stamp, "due_kind": kind}
        # The partner's members; else the assignee, or the review leads while nobody is assigned.
        users = members.get(partner_id, ()) if members is not None else [assignee_id] if assignee_id else leads
        for user_id in users:
            notes.append((user_id, pk, spec["kind"], data, f"reminder:{kind}:{pk}:{stamp}:{user_id}"))
    written = insert_notifications(notes, created_at=created_at) if notes else Inserted()
    return len(rows), written, ((rows[-1][1], rows[-1][0]) if rows else after)


def _reminders(spec, *, lo, hi, chunk, created_at, leads=()) -> Inserted:
    """Every page of reminders, each page in its own transaction; returns what was inserted:
    the reminders, and the claims they are about (a claim looked at again within the cursor
    margin, reminded already or without any recipient, is not counted)."""
    after = None
    written = Inserted()
    while True:
        with transaction.atomic():
            count, page, after = _reminder_page(
                spec, lo=lo, hi=hi, after=after, chunk=chunk, leads=leads, created_at=created_at
            )
            if page.rows:
                queue_outbox_flush()
        written += page
        if count < chunk:
            return written


def _escalation_notes(mine: list[tuple], leads: list[int], run: uuid.UUID) -> list[tuple]:
    """The notification rows for the claims ``mine`` (``(id, due_at, due_kind, assignee_id)``
    in deadline order) escalated by one transaction: one per recipient, a digest when it
    names more than one claim."""
    if leads:
        groups = dict.fromkeys(leads, mine)
    else:  # without any review lead the breach still reaches someone: the assignee
        groups = {}
        for row in mine:
            if row[3]:
                groups.setdefault(row[3], []).append(row)
    notes = []
    for user_id, claims in groups.items():
        if len(claims) == 1:
            pk, due_at, kind, _assignee = claims[0]
            stamp = iso(due_at)
            data = {"due_at": stamp, "due_kind": kind}
            notes.append((user_id, pk, "escalation", data, f"escalation:{kind}:{pk}:{stamp}:{user_id}"))
            continue
        data = {"count": len(claims), "claims": [row[0] for row in claims[:DIGEST_REFERENCES]]}
        if not leads:
            data["assigned"] = True  # the link goes to the recipient's own overdue claims
        notes.append((user_id, None, "escalation", data, f"escalation:{run}:{user_id}"))
    return notes


def _escalations(*, lo, hi, leads, chunk, created_at) -> tuple[int, int]:
    """Mark every claim whose review deadline passed, and tell the leads in one digest per
    transaction (at most ``DIGEST_LIMIT`` claims: in practice one per sweep). Returns the
    claims this run marked (a concurrent run's are not its own) and the notifications it
    inserted."""
    qs = Claim.objects.filter(status__in=REVIEW_WAITING, due_kind__in=REVIEW_DEADLINES, due_at__lte=hi)
    if lo is not None:
        qs = qs.filter(due_at__gt=lo)
    pages = keyset_pages(qs, ("id", "due_at", "due_kind", "assignee_id"), chunk, order="due_at")
    escalated = notified = 0
    more = True
    while more:
        more = False
        with transaction.atomic():
            run = uuid.uuid4()
            mine = []
            for rows in pages:
                keys = {f"escalation:{row[2]}:{row[0]}:{iso(row[1])}": row for row in rows}
                marked = claim_marks([(key, row[0]) for key, row in keys.items()], run=run, created_at=created_at)
                mine.extend(row for key, row in keys.items() if key in marked)
                if len(mine) >= DIGEST_LIMIT:
                    more = True
                    break
            written = Inserted()
            if mine:
                written = insert_notifications(_escalation_notes(mine, leads, run), created_at=created_at)
                queue_outbox_flush()
        escalated += len(mine)
        notified += written.rows
    return escalated, notified


def _close_dispute_windows(*, lo, hi, chunk, created_at) -> tuple[int, int]:
    """Comment on and announce each rejected claim whose dispute window closed; returns the
    claims this run closed (its marks, one comment each) and the notifications it inserted."""
    qs = Claim.objects.filter(status=Status.REJECTED, dispute_until__lte=hi)
    if lo is not None:
        qs = qs.filter(dispute_until__gt=lo)
    closed = notified = 0
    for rows in keyset_pages(qs, ("id", "dispute_until", "partner_id"), chunk, order="dispute_until"):
        keys = {f"dispute_window_closed:{pk}:{iso(until)}": (pk, until, partner_id) for pk, until, partner_id in rows}
        with transaction.atomic():
            marked = claim_marks([(key, row[0]) for key, row in keys.items()], run=uuid.uuid4(), created_at=created_at)
            # The marks this run inserted are its to handle; a concurrent run skipped them.
            mine = [row for key, row in keys.items() if key in marked]
            if not mine:
                continue
            commented = system_comments(
                [pk for pk, _until, _partner in mine], "dispute_window_closed", created_at=created_at
            )
            members = partner_members(partner_id for _pk, _until, partner_id in mine)
            notes = [
                (
                    user_id,
                    pk,
                    "dispute_window_closed",
                    {"dispute_until": iso(until)},
                    f"dispute_window_closed:{pk}:{iso(until)}:{user_id}",
                )
                for pk, until, partner_id in mine
                for user_id in members.get(partner_id, ())
            ]
            written = insert_notifications(notes, created_at=created_at)
            queue_outbox_flush()
        closed += commented
        notified += written.rows
    return closed, notified


def _auto_reject(*, now, chunk, budget) -> tuple[dict, int]:
    """Reject each claim whose partner did not answer in time, set-based:
    ``claims.jobs.unanswered.claims_reject_unanswered`` locks a chunk's rows (SKIP LOCKED, so a
    partner answering at this moment wins), skips claims whose version changed since the
    select, and writes every claim's audit event, system comment and notifications in the
    chunk's one transaction.

    Returns the counts (claims: ``rejected``, the rows the update wrote; ``skipped``, changed
    meanwhile; ``errors``, in chunks that failed and rolled back; ``left``, still due when the
    budget ran out, for the next run) and the notifications inserted."""
    stop_at = time.monotonic() + budget
    counts = {"rejected": 0, "skipped": 0, "errors": 0, "left": 0}
    notified = 0
    qs = Claim.objects.filter(status=Status.ACTION_REQUIRED, due_kind=DueKind.PARTNER_RESPONSE, due_at__lte=now)
    for rows in keyset_pages(qs, ("id", "due_at", "version"), chunk, order="due_at"):
        if time.monotonic() > stop_at:
            # Every claim from this page on waits for the next run: count them (one range count
            # on the deadline index, and only when the budget ran out).
            first_id, first_due, _version = rows[0]
            counts["left"] = qs.filter(Q(due_at__gt=first_due) | Q(due_at=first_due, id__gte=first_id)).count()
            return counts, notified
        try:
            done = claims_reject_unanswered(
                claims=[(pk, version) for pk, _due, version in rows], now=now, count_notifications=True
            )
        except ClaimError:
            log.exception("automatic rejection of %d claims failed", len(rows))
            counts["errors"] += len(rows)
            continue
        counts["rejected"] += done["rejected"]
        counts["skipped"] += done["skipped"]
        notified += done["notifications"]
    return counts, notified


# --- the sweep ----------------------------------------------------------------------------


def _cursors() -> dict[str, dt.datetime]:
    run = JobRun.objects.filter(name=JOB_NAME).values_list("last_result", flat=True).first() or {}
    cursors = run.get("cursors", {}) if isinstance(run, dict) else {}
    return {name: value for name, value in ((k, parse_iso(v)) for k, v in cursors.items()) if value is not None}


def run_sla_sweep(*, now=None, chunk_size: int | None = None, full: bool = False, reject_budget=None) -> dict:
    """Run every rule once; returns what it did (per rule the claims it reminded, escalated,
    closed or rejected: rows it wrote, never the claims it only looked at) and logs it as one
    INFO line with the notifications too. Safe to run twice at once or after a crash."""
    started = time.monotonic()
    now = now or clock.now()
    chunk = chunk_size or CHUNK
    created_at = clock.now()
    previous = {} if full else _cursors()
    reviewer_until = business_days_after(now, 1)
    partner_until = business_days_after(now, 2)

    def since(name, floor=None):
        value = previous.get(name)
        value = value - CURSOR_MARGIN if value is not None else None
        if floor is not None:
            return max(value, floor) if value is not None else floor
        return value

    with deferred_outbox_flush():
        leads = review_lead_ids()
        reviewer = _reminders(
            REVIEWER_REMINDER,
            lo=since("reviewer_until", now),
            hi=reviewer_until,
            leads=leads,
            chunk=chunk,
            created_at=created_at,
        )
        escalated, escalation_notes = _escalations(
            lo=since("checked_until"), hi=now, leads=leads, chunk=chunk, created_at=created_at
        )
        partner = _reminders(
            PARTNER_REMINDER, lo=since("partner_until", now), hi=partner_until, chunk=chunk, created_at=created_at
        )
        closed, dispute_notes = _close_dispute_windows(
            lo=since("checked_until", now - DISPUTE_LOOKBACK), hi=now, chunk=chunk, created_at=created_at
        )
        rejections, rejection_notes = _auto_reject(
            now=now, chunk=chunk, budget=REJECT_BUDGET_SECONDS if reject_budget is None else reject_budget
        )
        consent_final = consent_windows_close(now=now, chunk=chunk)
    # Per rule the claims this run handled (what the command prints, the task returns and
    # JobRun keeps); the log line adds the notifications each rule inserted.
    result = {
        "reviewer_reminders": reviewer.claims,
        "escalations": escalated,
        "partner_reminders": partner.claims,
        "dispute_windows_closed": closed,
        "auto_rejections": rejections,
        "consent_windows_closed": consent_final,
    }
    cursors = {"reviewer_until": reviewer_until, "partner_until": partner_until, "checked_until": now}
    record_job_run(JOB_NAME, started=started, result=result, cursors=cursors)
    figures = {
        "reviewer_reminders": reviewer.claims,
        "reviewer_reminder_notifications": reviewer.rows,
        "escalations": escalated,
        "escalation_notifications": escalation_notes,
        "partner_reminders": partner.claims,
        "partner_reminder_notifications": partner.rows,
        "dispute_windows_closed": closed,
        "dispute_window_notifications": dispute_notes,
        "auto_rejections": rejections["rejected"],
        "auto_rejection_notifications": rejection_notes,
        "auto_rejections_skipped": rejections["skipped"],
        "auto_rejections_errors": rejections["errors"],
        "auto_rejections_left": rejections["left"],
        "consent_windows_closed": consent_final,
    }
    log_job_run(JOB_NAME, figures, started=started, logger=log)
    return result

"""The automatic rejection at an unanswered *partner action required* deadline, set-based.

The SLA sweep (``claims.jobs.sweep``) finds the claims whose partner did not answer in time and
hands them here a chunk at a time; ``claims.services.claim_reject(user=SYSTEM, …)`` is the same
rule for one claim. See docs/jobs.md.
"""

from django.db import connection, models, transaction

from accounts.models import User
from audit.models import AuditEvent
from claims.cache import claims_changed
from claims.models import Claim, Comment, CommentKind, DueKind, RejectionReason
from claims.states import TRANSITIONS, Status
from claims.transitions import DISPUTE_WINDOW
from lib import clock
from lib.db import pg_execute
from notifications.models import EmailState, Notification
from notifications.services import queue_outbox_flush
from partners.models import Membership
from partners.selectors import partner_members


def _reject_in_one_statement(wanted: dict[int, int], *, now, step, reason) -> tuple[list[tuple[int, int]], int]:
    """PostgreSQL: lock, update and the three inserts in one statement; returns the rejected
    ``(claim id, partner id)`` pairs (the update's RETURNING) and the notifications inserted."""
    tables = {
        "claim": Claim._meta.db_table,
        "audit": AuditEvent._meta.db_table,
        "comment": Comment._meta.db_table,
        "notification": Notification._meta.db_table,
        "membership": Membership._meta.db_table,
        "user": User._meta.db_table,
    }
    sql = """
        WITH wanted AS (
            SELECT * FROM unnest(%(ids)b::bigint[], %(versions)b::bigint[]) AS w(id, version)
        ), locked AS (
            SELECT c.id FROM {claim} c JOIN wanted w ON w.id = c.id AND w.version = c.version
            WHERE c.status = %(from)s AND c.due_kind = %(due_kind)s AND c.due_at <= %(now)s
            ORDER BY c.id
            FOR UPDATE OF c SKIP LOCKED
        ), rejected AS (  -- a claim disputed once gets a final rejection (claim_mark_rejected)
            UPDATE {claim} c
            SET status = %(to)s, decided_at = %(now)s, decision_reason = %(reason)s, decision_message = '',
                due_at = NULL, due_kind = '', paused_days = NULL, version = c.version + 1, updated_at = %(now)s,
                dispute_until = CASE WHEN c.disputed_once THEN NULL ELSE %(until)s::timestamptz END
            FROM locked l
            WHERE c.id = l.id
            RETURNING c.id, c.partner_id, c.disputed_once AS final
        ), audit AS (
            INSERT INTO {audit} (action, actor_id, claim_id, case_id, from_status, to_status, reason_code, data,
                created_at)
            SELECT 'claims.claim.rejected', NULL, r.id, NULL, %(from)s, %(to)s, %(reason)s,
                '{{"automatic": true}}'::jsonb, %(now)s
            FROM rejected r
        ), comments AS (
            INSERT INTO {comment} (claim_id, author_id, kind, internal, code, data, body, created_at)
            SELECT r.id, NULL, %(system)s, false, CASE WHEN r.final THEN 'rejected_final' ELSE 'rejected' END,
                jsonb_build_object('reason', %(reason)s::text), '', %(now)s
            FROM rejected r
        ), notes AS (
            INSERT INTO {notification} (recipient_id, claim_id, kind, data, dedupe_key, created_at, email_state,
                email_attempts, email_error)
            SELECT m.user_id, r.id, 'decision',
                jsonb_build_object('status', %(to)s::text, 'reason', %(reason)s::text),
                NULL, %(now)s, %(pending)s, 0, ''
            FROM rejected r
            JOIN {membership} m ON m.partner_id = r.partner_id
            JOIN {user} u ON u.id = m.user_id AND u.is_active
            RETURNING 1
        )
        SELECT r.id, r.partner_id, (SELECT count(*) FROM notes) FROM rejected r
    """.format(**tables)  # noqa: S608 (the table names are ours, every value a parameter)
    params = {
        # In id order: the claims, their indexes and the new rows' indexes are walked in order.
        "ids": sorted(wanted),
        "versions": [wanted[pk] for pk in sorted(wanted)],
        "from": step.sources[0],
        "to": step.target,
        "due_kind": DueKind.PARTNER_RESPONSE,
        "reason": reason,
        "system": CommentKind.SYSTEM,
        "pending": EmailState.PENDING,
        "now": now,
        "until": now + DISPUTE_WINDOW,
    }
    rows = pg_execute(sql, params)
    return [(pk, partner_id) for pk, partner_id, _notes in rows], (rows[0][2] if rows else 0)


def _reject_through_the_orm(wanted: dict[int, int], *, now, step, reason) -> tuple[list[tuple[int, int]], int]:
    """Other databases (SQLite): the same rows through the ORM; returns the rejected pairs and
    the notifications inserted. The rows read are the rows updated: SQLite lets one writer at
    a time change the database, and a write that would follow another's commit in the same
    transaction fails ("database is locked") rather than go unnoticed."""
    locked = list(
        Claim.objects.select_for_update(skip_locked=True)
        .filter(pk__in=wanted, status__in=step.sources, due_kind=DueKind.PARTNER_RESPONSE, due_at__lte=now)
        .values_list("id", "partner_id", "version", "disputed_once")
    )
    rows = [(pk, partner_id) for pk, partner_id, version, _once in locked if wanted.get(pk) == version]
    ids = [pk for pk, _p in rows]
    final = {pk for pk, _partner, version, once in locked if once and wanted.get(pk) == version}
    common = {
        "status": Status.REJECTED,
        "decided_at": now,
        "decision_reason": reason,
        "decision_message": "",
        "due_at": None,
        "due_kind": "",
        "paused_days": None,
        "version": models.F("version") + 1,
        "updated_at": now,
    }
    Claim.objects.filter(pk__in=[i for i in ids if i not in final]).update(dispute_until=now + DISPUTE_WINDOW, **common)
    if final:
        Claim.objects.filter(pk__in=final).update(dispute_until=None, **common)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action=f"claims.claim.{step.event}",
            claim_id=pk,
            from_status=step.sources[0],
            to_status=step.target,
            reason_code=reason,
            data={"automatic": True},
            created_at=now,
        )
        for pk in ids
    )
    Comment.objects.bulk_create(
        Comment(
            claim_id=pk,
            kind=CommentKind.SYSTEM,
            code="rejected_final" if pk in final else "rejected",
            data={"reason": reason},
            created_at=now,
        )
        for pk in ids
    )
    members = partner_members(p for _pk, p in rows)
    notes = Notification.objects.bulk_create(
        (
            Notification(
                recipient_id=user_id,
                claim_id=pk,
                kind="decision",
                data={"status": Status.REJECTED, "reason": reason},
                created_at=now,
            )
            for pk, partner_id in rows
            for user_id in members.get(partner_id, ())
        ),
        batch_size=2000,
    )
    return rows, len(notes)


@transaction.atomic
def claims_reject_unanswered(*, claims: list[tuple[int, int]], now=None, count_notifications: bool = False) -> dict:
    """action_required → rejected with *no partner response*, for many claims at once (the
    SLA sweep). ``claims`` are ``(id, version)`` pairs read by the caller.

    The same rule as ``claim_reject(user=SYSTEM, ...)``, done set-based in one transaction: the
    rows are locked (SKIP LOCKED: a partner answering right now wins), a claim whose version
    or state changed is skipped, and every rejected claim gets its audit event, its system
    comment and its partner notifications, as the one-by-one path would write them. On
    PostgreSQL all of it is one statement (the lock, the update and the three inserts as
    data-modifying CTEs fed by the update's RETURNING, the pairs bound as two arrays); other
    databases go through the ORM.

    Returns the claims ``rejected`` (rows the update wrote) and ``skipped``; with
    ``count_notifications`` also the ``notifications`` inserted (the sweep's log line)."""
    now = now or clock.now()
    step = TRANSITIONS["reject_unanswered"]
    wanted = dict(claims)
    reason = RejectionReason.NO_PARTNER_RESPONSE
    extra = {"notifications": 0} if count_notifications else {}
    if not wanted:
        return {"rejected": 0, "skipped": 0, **extra}
    reject = _reject_in_one_statement if connection.vendor == "postgresql" else _reject_through_the_orm
    rows, notified = reject(wanted, now=now, step=step, reason=reason)
    if not rows:
        return {"rejected": 0, "skipped": len(wanted), **extra}
    if connection.vendor == "postgresql":  # the ORM path went through ClaimQuerySet.update already
        claims_changed(partner_ids={p for _pk, p in rows})
    queue_outbox_flush()
    if count_notifications:
        extra["notifications"] = notified
    return {"rejected": len(rows), "skipped": len(wanted) - len(rows), **extra}

"""The rows the claims' jobs write in bulk, and the record of each job's runs.

Each writer takes many rows at once: on PostgreSQL one statement with the values bound
server-side as arrays (``lib.db.pg_execute``), elsewhere the ORM in batches. The SLA sweep
(``claims.jobs.sweep``) and the subscription re-check (``claims.jobs.recheck``) share them.
"""

import datetime as dt
import json
import logging
import time
import uuid
from dataclasses import dataclass

from django.db import connection, transaction

from claims.models import Comment, CommentKind
from lib import clock
from lib.db import pg_execute
from notifications.models import EmailState, JobRun, Notification, SweepMark

log = logging.getLogger(__name__)

INSERT_BATCH = 1000  # rows per INSERT through the ORM (the non-PostgreSQL path)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def parse_iso(value) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def pg_iso(column: str) -> str:
    """SQL for ``iso(column)``: the UTC ISO 8601 text Python writes (microseconds only when
    not zero), so keys written by either side match."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN to_char({utc}, 'US') = '000000' THEN '' ELSE '.' || to_char({utc}, 'US') END"
        " || '+00:00')"
    )


@dataclass(frozen=True)
class Inserted:
    """What an insert wrote: its rows, and the distinct claims they name."""

    rows: int = 0
    claims: int = 0

    def __add__(self, other: "Inserted") -> "Inserted":
        return Inserted(self.rows + other.rows, self.claims + other.claims)


def insert_notifications(rows: list[tuple], *, created_at) -> Inserted:
    """Insert ``(recipient_id, claim_id, kind, data, dedupe_key)`` rows, skipping existing
    keys (ON CONFLICT DO NOTHING); returns what it inserted (a skipped conflict is not
    counted). On PostgreSQL one ``INSERT … SELECT FROM unnest(…)``, counted by its RETURNING."""
    if not rows:
        return Inserted()
    if connection.vendor != "postgresql":
        # The ORM cannot say which rows ignore_conflicts skipped: the keys that exist already
        # are read first, in the same transaction. SQLite has one writer at a time: another
        # run cannot insert between this read and this insert (IMMEDIATE transactions hold the
        # write lock from BEGIN; a deferred one fails with "database is locked" instead).
        with transaction.atomic():
            keys = list({row[4] for row in rows if row[4] is not None})
            existing = set()
            for start in range(0, len(keys), INSERT_BATCH):
                batch = keys[start : start + INSERT_BATCH]
                existing.update(Notification.objects.filter(dedupe_key__in=batch).values_list("dedupe_key", flat=True))
            Notification.objects.bulk_create(
                [
                    Notification(recipient_id=r, claim_id=c, kind=k, data=d, dedupe_key=key, created_at=created_at)
                    for r, c, k, d, key in rows
                ],
                ignore_conflicts=True,
                batch_size=INSERT_BATCH,
            )
        written, claims = 0, set()
        for _r, claim_id, _k, _d, key in rows:
            if key is None or key not in existing:
                written += 1
                claims.add(claim_id)
                if key is not None:
                    existing.add(key)  # a key twice in ``rows`` is inserted once
        return Inserted(written, len(claims - {None}))
    # In claim order: the foreign-key checks and the index insertions then walk the claims and
    # the indexes in order (15-20% faster than deadline order at 1,000,000 claims), and two
    # concurrent runs insert the same keys in the same order.
    rows = sorted(rows, key=lambda row: (row[1] or 0, row[0]))
    recipients, claims, kinds, data, keys = (list(column) for column in zip(*rows, strict=True))
    ((written, claimed),) = pg_execute(
        f"""
        WITH inserted AS (
            INSERT INTO {Notification._meta.db_table}
                (recipient_id, claim_id, kind, data, dedupe_key, created_at, email_state, email_attempts, email_error)
            SELECT t.r, t.c, t.k, t.d::jsonb, t.key, %s, %s, 0, ''
            FROM unnest(%b::bigint[], %b::bigint[], %b::text[], %b::text[], %b::text[]) AS t(r, c, k, d, key)
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING claim_id
        )
        SELECT count(*), count(DISTINCT claim_id) FROM inserted
        """,  # noqa: S608 (the table name is ours, every value a parameter)
        [created_at, EmailState.PENDING, recipients, claims, kinds, [json.dumps(x) for x in data], keys],
    )
    return Inserted(written, claimed)


def claim_marks(marks: list[tuple[str, int]], *, run: uuid.UUID, created_at) -> set[str]:
    """Insert a ``SweepMark`` per ``(key, claim_id)`` and return the keys this call inserted:
    those events are the caller's to handle, in the same transaction. A key another run holds
    is skipped (a concurrent run's insert waits on the unique index until that run commits or
    rolls back). On PostgreSQL one ``INSERT … ON CONFLICT DO NOTHING RETURNING key``."""
    if not marks:
        return set()
    if connection.vendor != "postgresql":
        SweepMark.objects.bulk_create(
            [SweepMark(key=key, claim_id=pk, run=run, created_at=created_at) for key, pk in marks],
            ignore_conflicts=True,
            batch_size=INSERT_BATCH,
        )
        keys = [key for key, _pk in marks]
        mine = set()
        for start in range(0, len(keys), INSERT_BATCH):
            batch = keys[start : start + INSERT_BATCH]
            mine.update(SweepMark.objects.filter(key__in=batch, run=run).values_list("key", flat=True))
        return mine
    keys, claims = (list(column) for column in zip(*sorted(marks, key=lambda mark: mark[1]), strict=True))
    rows = pg_execute(
        f"""
        INSERT INTO {SweepMark._meta.db_table} (key, claim_id, run, created_at)
        SELECT t.key, t.c, %s, %s FROM unnest(%b::text[], %b::bigint[]) AS t(key, c)
        ON CONFLICT (key) DO NOTHING
        RETURNING key
        """,  # noqa: S608 (the table name is ours, every value a parameter)
        [run, created_at, keys, claims],
    )
    return {key for (key,) in rows}


def system_comments(claim_ids: list[int], code: str, *, created_at) -> int:
    """One partner-visible system comment ``code`` on each claim; returns the rows inserted
    (all of them: there is no conflict to skip, a failure raises)."""
    if connection.vendor != "postgresql":
        return len(
            Comment.objects.bulk_create(
                [Comment(claim_id=pk, kind=CommentKind.SYSTEM, code=code, created_at=created_at) for pk in claim_ids],
                batch_size=INSERT_BATCH,
            )
        )
    if not claim_ids:
        return 0
    ((written,),) = pg_execute(
        f"""
        WITH inserted AS (
            INSERT INTO {Comment._meta.db_table} (claim_id, author_id, kind, internal, code, data, body, created_at)
            SELECT t.c, NULL, %s, false, %s, '{{}}'::jsonb, '', %s FROM unnest(%b::bigint[]) AS t(c)
            RETURNING 1
        )
        SELECT count(*) FROM inserted
        """,  # noqa: S608 (the table name is ours, every value a parameter)
        [CommentKind.SYSTEM, code, created_at, sorted(claim_ids)],
    )
    return written


def record_job_run(name: str, *, started: float, result: dict, cursors: dict | None = None) -> None:
    """Remember a successful run (for /healthz and operators); cursors only move forward."""
    with transaction.atomic():
        run, _created = JobRun.objects.select_for_update().get_or_create(
            name=name, defaults={"last_success_at": clock.now()}
        )
        stored = dict(run.last_result.get("cursors", {})) if isinstance(run.last_result, dict) else {}
        for key, value in (cursors or {}).items():
            old = parse_iso(stored.get(key))
            stored[key] = iso(max(old, value) if old else value)
        run.last_success_at = clock.now()
        run.last_duration_ms = int((time.monotonic() - started) * 1000)
        run.last_result = {**result, **({"cursors": stored} if stored else {})}
        run.save()


def log_job_run(name: str, figures: dict[str, int], *, started: float, logger: logging.Logger = log) -> None:
    """The one INFO line of a job's run: ``<name>: figure=n … duration_ms=n``, each figure a
    count of rows the run wrote (or, named so, of claims it skipped or left for the next run)."""
    pairs = " ".join(f"{key}={value}" for key, value in figures.items())
    logger.info("%s: %s duration_ms=%d", name, pairs, (time.monotonic() - started) * 1000)

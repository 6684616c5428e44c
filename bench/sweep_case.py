"""The SLA sweep case's data: exactly 10% of the loaded claims due now, spread over the five
rules ("1,000,000 claims with 100,000 due", README "Performance").

``prepare()`` runs inside the bench's rolled-back transaction and edits the loaded claims
there, so the database is the same after the case:

1. nothing is due any more: queue deadlines up to the partner-reminder horizon are shifted
   past it (their spread kept), and dispute windows that closed within the sweep's look-back
   are moved 40 days ahead;
2. ``MIX`` of the due total is then made due, rule by rule, on claims picked evenly from the
   claims in that rule's state (deadlines spread over the rule's window). When too few claims
   are waiting on the partner, claims under review are moved to *action required* first
   (``due_kind``, ``paused_days`` and ``version`` as ``claim_request_info`` leaves them);
3. the sweep's own predicates count what is due, so the note states the mix as the sweep
   will see it, and the cursors of an earlier sweep are forgotten (a first run, as after an
   outage);
4. on PostgreSQL the deferred foreign-key checks are made immediate: a rolled-back transaction
   never runs them, a sweep that commits pays for them, so the bench pays too.

The measurement is on the pessimistic side: the sweep updates and references rows this same
transaction just rewrote, so PostgreSQL re-checks the claims' own foreign keys on update and
index scans step over the prepared rows' old versions. ``tidy()`` vacuums afterwards.
"""

import datetime as dt
import random

from django.db import connection
from django.db.models import F
from django.utils import timezone

from claims.models import Claim, DueKind
from claims.states import OPEN_STATUSES, Status
from lib.business_days import business_days_after

# Shares of the due claims per rule (they sum to 1).
MIX = {
    "reviewer_reminders": 0.30,
    "escalations": 0.25,
    "partner_reminders": 0.15,
    "auto_rejections": 0.15,
    "dispute_windows_closed": 0.15,
}
SHARE_OF_LOADED = 0.10
BUCKETS = 40  # distinct deadlines per rule
UPDATE_BATCH = 5000
SEED = 6  # the number: the same claims every run


def _counts(total: int) -> dict[str, int]:
    due = int(total * SHARE_OF_LOADED)
    counts = {name: int(due * share) for name, share in MIX.items()}
    first = next(iter(counts))
    counts[first] += due - sum(counts.values())  # rounding: exactly ``due`` in all
    return counts


def _update(ids: list[int], **fields) -> None:
    for start in range(0, len(ids), UPDATE_BATCH):
        Claim.objects.filter(id__in=ids[start : start + UPDATE_BATCH]).update(version=F("version") + 1, **fields)


def _spread(ids: list[int], field: str, start: dt.datetime, end: dt.datetime) -> None:
    """Give ``ids`` deadlines in ``BUCKETS`` steps strictly between ``start`` and ``end``."""
    step = (end - start) / (BUCKETS + 1)
    for bucket in range(BUCKETS):
        _update(ids[bucket::BUCKETS], **{field: start + step * (bucket + 1)})


def _pick(pool: list[int], n: int, rng: random.Random) -> list[int]:
    if n > len(pool):
        raise SystemExit(f"sla_sweep case: needs {n} claims, the data has {len(pool)}")
    return sorted(rng.sample(pool, n))


def _ids(qs) -> list[int]:
    return list(qs.order_by("id").values_list("id", flat=True))


def prepare(now: dt.datetime | None = None) -> dict:
    """Make exactly 10% of the loaded claims due; returns the numbers for the case's note."""
    from claims.jobs.sweep import DISPUTE_LOOKBACK, REVIEW_DEADLINES, REVIEW_WAITING
    from notifications.models import JobRun

    now = now or timezone.now()
    rng = random.Random(SEED)
    loaded = Claim.objects.count()
    counts = _counts(loaded)
    reviewer_until = business_days_after(now, 1)
    partner_until = business_days_after(now, 2)

    # 1. Nothing due: shift every queue deadline up to the partner horizon past it.
    queue = Claim.objects.filter(status__in=OPEN_STATUSES, due_at__isnull=False)
    earliest = queue.order_by("due_at").values_list("due_at", flat=True).first()
    if earliest is not None and earliest <= partner_until:
        shift = partner_until - earliest + dt.timedelta(days=1)
        queue.filter(due_at__lte=partner_until).update(due_at=F("due_at") + shift, version=F("version") + 1)
    Claim.objects.filter(
        status=Status.REJECTED, dispute_until__gt=now - DISPUTE_LOOKBACK - dt.timedelta(days=1), dispute_until__lte=now
    ).update(dispute_until=F("dispute_until") + dt.timedelta(days=40), version=F("version") + 1)

    # 2. The mix. Claims waiting on Microsoft: escalations and reviewer reminders.
    review_pool = _ids(Claim.objects.filter(status__in=REVIEW_WAITING, due_kind__in=REVIEW_DEADLINES))
    picked = _pick(review_pool, counts["escalations"] + counts["reviewer_reminders"], rng)
    rng.shuffle(picked)
    escalate = sorted(picked[: counts["escalations"]])
    remind = sorted(picked[counts["escalations"] :])
    _spread(escalate, "due_at", now - dt.timedelta(days=2), now)
    _spread(remind, "due_at", now, reviewer_until)

    # Claims waiting on the partner: automatic rejections and partner reminders.
    waiting = Claim.objects.filter(status=Status.ACTION_REQUIRED, due_kind=DueKind.PARTNER_RESPONSE)
    action_pool = _ids(waiting)
    needed = counts["auto_rejections"] + counts["partner_reminders"]
    moved = 0
    if len(action_pool) < needed:
        taken = set(picked)
        spare = _ids(Claim.objects.filter(status=Status.UNDER_REVIEW, due_kind=DueKind.DECISION))
        extra = _pick([pk for pk in spare if pk not in taken], needed - len(action_pool), rng)
        _update(extra, status=Status.ACTION_REQUIRED, due_kind=DueKind.PARTNER_RESPONSE, paused_days=3)
        moved = len(extra)
        action_pool = _ids(waiting)
    picked = _pick(action_pool, needed, rng)
    rng.shuffle(picked)
    reject = sorted(picked[: counts["auto_rejections"]])
    remind_partner = sorted(picked[counts["auto_rejections"] :])
    _spread(reject, "due_at", now - dt.timedelta(days=2), now)
    _spread(remind_partner, "due_at", now, partner_until)

    # Rejected claims whose 30 days just ended.
    rejected_pool = _ids(Claim.objects.filter(status=Status.REJECTED, dispute_until__isnull=False))
    _spread(
        _pick(rejected_pool, counts["dispute_windows_closed"], rng), "dispute_until", now - dt.timedelta(days=2), now
    )

    # 3. What the sweep will see, by its own predicates (a first run: no cursors).
    JobRun.objects.filter(name="sla_sweep").update(last_result={})
    review = Claim.objects.filter(status__in=REVIEW_WAITING, due_kind__in=REVIEW_DEADLINES)
    partner = Claim.objects.filter(status=Status.ACTION_REQUIRED, due_kind=DueKind.PARTNER_RESPONSE)
    seen = {
        "reviewer_reminders": review.filter(due_at__gt=now, due_at__lte=reviewer_until).count(),
        "escalations": review.filter(due_at__lte=now).count(),
        "partner_reminders": partner.filter(due_at__gt=now, due_at__lte=partner_until).count(),
        "auto_rejections": partner.filter(due_at__lte=now).count(),
        "dispute_windows_closed": Claim.objects.filter(
            status=Status.REJECTED, dispute_until__gt=now - DISPUTE_LOOKBACK, dispute_until__lte=now
        ).count(),
    }
    if seen != counts:
        raise SystemExit(f"sla_sweep case: wanted {counts}, the sweep would see {seen}")

    # 4. Pay for the foreign-key checks a committing sweep runs.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return {"loaded": loaded, "due": sum(seen.values()), "mix": seen, "moved_to_action_required": moved}


def tidy() -> None:
    """After the rollback: vacuum what the case wrote. The case leaves some 300,000 dead row
    versions behind at 1,000,000 claims, and with autovacuum off (as on the bench machine) the
    next run would wade through them."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    from audit.models import AuditEvent
    from claims.models import Comment
    from notifications.models import Notification, SweepMark

    tables = ", ".join(model._meta.db_table for model in (Claim, Notification, SweepMark, Comment, AuditEvent))
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {tables}")


def expected(result: dict, mix: dict) -> bool:
    """Whether the sweep handled every due claim (its result counts claims per rule)."""
    handled = dict(result)
    rejections = handled.get("auto_rejections")
    if isinstance(rejections, dict):
        handled["auto_rejections"] = rejections.get("rejected", 0)
    return all(handled.get(name) == n for name, n in mix.items())


def note(facts: dict, result: dict | None) -> str:
    mix = facts["mix"]
    parts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in mix.items())
    moved = facts["moved_to_action_required"]
    text = f"{facts['due']} due of {facts['loaded']} claims: {parts}"
    if moved:
        text += f" ({moved} moved under review → action required)"
    if result is not None:
        text += "; all handled" if expected(result, mix) else f"; NOT all handled: {result}"
    return text

"""The bulk loader's rows (``demo.bulk``): generated claims that look like a few years of real
use, computed without the database from what they point at (a ``Pool``).

Most claims are decided, the queue statuses are about 14% and their deadlines fall within ten
business days either side of today; every row satisfies the constraints on ``Claim``. The
same pool and seed give the same rows.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from random import Random
from typing import NamedTuple

from django.utils import timezone

from claims.models import DueKind, EndReason, RejectionReason
from claims.states import OPEN_STATUSES, Status
from demo.clock import business_day_before
from demo.reference import BA, M365, RA, P, U, claim_description, claim_name
from lib.business_days import business_days_after

EXTRA_PARTNERS = 200
EXTRA_TENANTS = 2000
COMPANY_SUFFIXES = ("AB", "Oy", "AS", "A/S", "Ltd", "GmbH", "BV", "ApS")
TENANT_WORDS_A = (
    "Nordic", "Baltic", "Arctic", "Coastal", "Granite", "Silver", "Evergreen", "Harbor", "Summit", "Pioneer",
    "Northern", "Meridian", "Crescent", "Aurora", "Fjord", "Lakeside", "Cedar", "Falcon", "Juniper", "Atlas",
    "Beacon", "Copper", "Delta", "Emerald", "Frontier", "Glacier", "Highland", "Iron", "Keystone", "Lighthouse",
    "Maple", "Northstar", "Oak", "Polar", "Quarry", "River", "Stone", "Timber", "Valley", "Westwind",
)  # fmt: skip
TENANT_WORDS_B = (
    "Logistics", "Foods", "Engineering", "Retail", "Health", "Energy", "Textiles", "Media", "Analytics", "Marine",
    "Construction", "Pharma", "Dairy", "Motors", "Insurance", "Telecom", "Furniture", "Brewing", "Aviation", "Labs",
    "Consulting", "Bakery", "Outfitters", "Robotics", "Water", "Paper", "Steel", "Travel", "Security", "Studios",
    "Farms", "Freight", "Clinics", "Packaging", "Hotels", "Optics", "Seafood", "Tools", "Games", "Solar",
    "Housing", "Printing", "Chemicals", "Fitness", "Publishing", "Transit", "Vision", "Wines", "Textures", "Mining",
)  # fmt: skip
_FIRST = ("Anna", "Lars", "Eva", "Mats", "Sara", "Jukka", "Nora", "Ole", "Lea", "Emil", "Ines", "Tom", "Lina", "Ali")
_LAST = ("Berg", "Nieminen", "Hansen", "Lund", "Virtanen", "Dahl", "Strand", "Koski", "Holm", "Wik", "Ek", "Moe")
_TITLES = ("CIO", "IT Director", "CFO", "Head of Sales", "Service Manager", "IT Manager", "Operations Director")

# (status, weight): most claims are decided; the queue statuses are ~14% and drafts few.
_STATUS_WEIGHTS = (
    (Status.APPROVED, 36),
    (Status.REJECTED, 22),
    (Status.ENDED, 16),
    (Status.WITHDRAWN, 8),
    (Status.EDITING, 4),
    (Status.SUBMITTED, 4),
    (Status.UNDER_REVIEW, 5),
    (Status.ACTION_REQUIRED, 3),
    (Status.DISPUTED, 2),
)
# (solution area, activity, weight)
_KIND_WEIGHTS = ((BA, P, 25), (BA, U, 20), (BA, RA, 15), (M365, U, 40))
_REJECTIONS = (
    (RejectionReason.INSUFFICIENT_POE, 40),
    (RejectionReason.CUSTOMER_DECLINED, 15),
    (RejectionReason.NO_PARTNER_RESPONSE, 20),
    (RejectionReason.PARTNER_REQUEST_WRONG_MPN, 8),
    (RejectionReason.PARTNER_REQUEST_WRONG_ACTIVITY, 7),
    (RejectionReason.PARTNER_REQUEST_NOT_WORKING, 5),
    (RejectionReason.COMPETING_CLAIM_AWARDED, 5),
)
_ENDS = (
    (EndReason.SUBSCRIPTION_EXPIRED, 50),
    (EndReason.PARTNER_DISASSOCIATED, 30),
    (EndReason.SUBSCRIPTION_DISABLED, 10),
    (EndReason.DISPLACED_BY_COMPETING_CLAIM, 10),
)
# Share of generated claims for the three demo partners; the rest spread over the extra partners.
BIG_PARTNER_SHARES = {"contoso": 0.20, "fabrikam": 0.14, "litware": 0.03}

CLAIM_COLUMNS = (
    "id", "partner_id", "mpn_id", "created_by_id", "status", "name", "customer_tenant_id", "customer_domain",
    "tenant_id", "solution_area", "activity", "subscription_ref", "subscription_id", "customer_contact_name",
    "customer_contact_title", "customer_contact_email", "partner_contact_name", "partner_contact_email",
    "description", "filing_comment", "association_key", "is_competing", "disputed_once", "assignee_id", "due_at",
    "due_kind", "paused_days", "submitted_at", "review_started_at", "decided_at", "dispute_until", "ended_at",
    "decision_reason", "decision_message", "end_reason", "end_message", "reclaimed_from_id", "version", "created_at",
    "updated_at",
)  # fmt: skip


@dataclass
class Pool:
    """What generated claims point at, loaded once (``demo.bulk.load_pool``)."""

    partners: list  # (partner pk, [mpn pks], creator pk, contact name, contact e-mail)
    partner_weights: list
    tenants: list  # (tenant pk, tenant id text, domain, tenant name)
    products: dict  # area → [(pk, code, name)]
    reviewers: list


class Calendar:
    """Business-day dates around today, so generated deadlines fall on business days."""

    def __init__(self, now: dt.datetime):
        zone = timezone.get_current_timezone()
        today = timezone.localdate(now)
        self.days = {}
        for offset in range(-40, 11):
            day = today
            if offset < 0:
                day = business_day_before(today, -offset)
            elif offset > 0:
                day = business_days_after(dt.datetime.combine(today, dt.time(12), tzinfo=zone), offset).date()
            self.days[offset] = dt.datetime.combine(day, dt.time(0), tzinfo=zone)

    def at(self, offset: int, seconds: int) -> dt.datetime:
        return self.days[offset] + dt.timedelta(seconds=seconds)


class _Timeline(NamedTuple):
    """A generated claim's steps, in the columns of ``Claim``."""

    submitted: dt.datetime | None = None
    started: dt.datetime | None = None
    decided: dt.datetime | None = None
    due_at: dt.datetime | None = None
    due_kind: str = ""
    paused: int | None = None
    dispute_until: dt.datetime | None = None
    ended: dt.datetime | None = None
    decision_reason: str = ""
    end_reason: str = ""
    assignee: int | None = None
    version: int = 1
    updated: dt.datetime | None = None
    draft: bool = False  # never submitted: no association key, no resolved tenant


_WORK_HOURS = (8 * 3600, 17 * 3600)


def _queue_timeline(status: str, cal: Calendar, rng: Random, reviewers: list, now: dt.datetime):
    """A claim awaiting a decision: its deadline falls within ten business days either side of
    today, and its earlier steps follow from it. Returns ``(created, timeline)``."""
    day = dt.timedelta(days=1)
    offset = rng.randrange(-10, 11)
    due_at = cal.at(offset, rng.randrange(*_WORK_HOURS))
    started = decided = dispute_until = paused = assignee = None
    reason = ""
    if status == Status.SUBMITTED:
        kind, version = DueKind.REVIEW_START.value, 3
        submitted = cal.at(offset - 5, rng.randrange(*_WORK_HOURS))
        assignee = rng.choice(reviewers) if rng.random() < 0.2 else None
    elif status == Status.UNDER_REVIEW:
        kind, version = DueKind.DECISION.value, 4
        started = cal.at(offset - 5, rng.randrange(*_WORK_HOURS))
        submitted = started - rng.randrange(1, 6) * day
        assignee = rng.choice(reviewers)
    elif status == Status.ACTION_REQUIRED:
        kind, version, paused = DueKind.PARTNER_RESPONSE.value, 5, rng.randrange(1, 6)
        started = cal.at(offset - 5, 0) - rng.randrange(1, 5) * day
        submitted = started - rng.randrange(1, 6) * day
        assignee = rng.choice(reviewers)
    else:
        kind, version, reason = DueKind.DECISION.value, 6, RejectionReason.INSUFFICIENT_POE.value
        decided = cal.at(offset - 5, 0) - rng.randrange(1, 20) * day
        started = decided - rng.randrange(1, 5) * day
        submitted = started - rng.randrange(1, 6) * day
        dispute_until = decided + 30 * day
        assignee = rng.choice(reviewers)
    created = submitted - rng.random() * 3 * day
    updated = max(t for t in (submitted, started, decided) if t is not None)
    if updated > now:
        # The service clocks run five business days, so a deadline further out than that
        # would put the last step in the future: keep the deadline, move the history back.
        shift = updated - (now - rng.random() * 8 * dt.timedelta(hours=1))
        created, submitted, updated = created - shift, submitted - shift, updated - shift
        started = started - shift if started else None
        decided = decided - shift if decided else None
        dispute_until = dispute_until - shift if dispute_until else None
    timeline = _Timeline(
        submitted=submitted,
        started=started,
        decided=decided,
        due_at=due_at,
        due_kind=kind,
        paused=paused,
        dispute_until=dispute_until,
        decision_reason=reason,
        assignee=assignee,
        version=version,
        updated=updated,
    )
    return created, timeline


def _subscription_guid(created: dt.datetime, rng: Random) -> str:
    """A version-7 GUID (time-ordered), so generated keys arrive in index order: inserting 1M
    random keys would spread writes over the whole key indexes."""
    millis = int(created.timestamp() * 1000)
    value = (millis << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) | rng.getrandbits(62)
    return str(uuid.UUID(int=value))


def _creation_times(statuses: list, cal: Calendar, rng: Random, reviewers: list, now: dt.datetime):
    """When each claim was created (claims in the queue are recent, decided ones up to two years
    old, drafts from the last two months), and the timelines of the queue's claims, which
    their creation follows from. Returns ``(created_at, {index: queue timeline})``."""
    created_at, queue = [], {}
    for i, status in enumerate(statuses):
        if status in OPEN_STATUSES:
            created, queue[i] = _queue_timeline(status, cal, rng, reviewers, now)
            created_at.append(created)
        elif status == Status.EDITING:
            created_at.append(now - rng.random() * 60 * dt.timedelta(days=1))
        else:
            created_at.append(now - dt.timedelta(seconds=rng.randrange(20 * 86400, 730 * 86400)))
    return created_at, queue


def _timeline(status: str, created: dt.datetime, queued, rng: Random, choices, now: dt.datetime) -> _Timeline:
    """The steps of a claim created at ``created`` that is now in ``status``; ``queued`` is
    the queue timeline of a claim awaiting a decision. ``choices`` holds the reviewers and the
    weighted rejection and end reasons."""
    if status in OPEN_STATUSES:
        return queued
    reviewers, rejections, ends = choices
    rand = rng.random
    day, hour = dt.timedelta(days=1), dt.timedelta(hours=1)
    if status == Status.EDITING or (status == Status.WITHDRAWN and rand() < 0.4):
        # A draft, or withdrawn while still a draft.
        updated, version = created + rand() * hour, 1
        if status == Status.WITHDRAWN:
            updated += rand() * 5 * day
            version = 2
        return _Timeline(version=version, updated=min(updated, now), draft=True)
    submitted = created + rand() * 3 * day
    if status == Status.WITHDRAWN:
        return _Timeline(submitted=submitted, version=3, updated=submitted + rand() * 10 * day)
    rand()  # drawn for every submitted claim (a withdrawn one's last change): the same sequence
    started = submitted + (0.5 + rand() * 6) * day
    decided = started + (0.2 + rand() * 7) * day
    assignee = rng.choice(reviewers)
    if status == Status.REJECTED:
        reason = rng.choices(*rejections)[0]
        return _Timeline(
            submitted,
            started,
            decided,
            decision_reason=reason,
            dispute_until=decided + 30 * day,
            assignee=assignee,
            version=4,
            updated=decided,
        )
    if status == Status.ENDED:
        ended = decided + rand() * (now - decided)
        end_reason = rng.choices(*ends)[0]
        return _Timeline(
            submitted, started, decided, ended=ended, end_reason=end_reason, assignee=assignee, version=5, updated=ended
        )
    return _Timeline(submitted, started, decided, assignee=assignee, version=4, updated=decided)


def generate_rows(count: int, first_id: int, pool: Pool, rng: Random, now: dt.datetime):
    """Yield ``(row, product pks)`` for ``count`` claims, oldest first with ids in that order (as
    a real table grows, and so each index takes its inserts in few places); ``row`` follows
    CLAIM_COLUMNS."""
    cal = Calendar(now)
    # Plain strings, not enum members: they go to the database driver row by row.
    status_values = [s.value for s, _ in _STATUS_WEIGHTS]
    statuses = rng.choices(status_values, [w for _, w in _STATUS_WEIGHTS], k=count)
    statuses[: len(status_values)] = status_values[:count]  # every status at least once, however small the run
    kinds = rng.choices([(a.value, b.value) for a, b, _ in _KIND_WEIGHTS], [w for *_, w in _KIND_WEIGHTS], k=count)
    partner_picks = rng.choices(range(len(pool.partners)), pool.partner_weights, k=count)
    rejections = ([r.value for r, _ in _REJECTIONS], [w for _, w in _REJECTIONS])
    ends = ([r.value for r, _ in _ENDS], [w for _, w in _ENDS])
    rand, choice = rng.random, rng.choice
    created_at, queue = _creation_times(statuses, cal, rng, pool.reviewers, now)

    for n, i in enumerate(sorted(range(count), key=created_at.__getitem__)):
        claim_id = first_id + n
        status, created = statuses[i], created_at[i]
        area, activity = kinds[i]
        partner_pk, mpns, creator, contact_name, contact_email = pool.partners[partner_picks[i]]
        tenant_pk, tenant_text, domain, customer = choice(pool.tenants)
        product_pk, product_code, product_name = choice(pool.products[area])
        product_pks = (product_pk,)
        sub_ref = _subscription_guid(created, rng) if area == BA else ""
        if activity != RA and area == BA:
            key = f"sub:{sub_ref}:{activity}"
            if rand() < 0.1:
                second = choice(pool.products[area])[0]
                if second != product_pk:
                    product_pks = (product_pk, second)
        else:
            # Generated claims never compete: the suffix keeps each tenant key its own.
            key = f"tenant:{tenant_text}:{product_code}:{activity}#{claim_id}"
        t = _timeline(status, created, queue.get(i), rng, (pool.reviewers, rejections, ends), now)
        if t.draft:
            key = ""
        first, last = choice(_FIRST), choice(_LAST)
        # Named from the id (no draw from ``rng``: the same seed still gives the same rows).
        name = claim_name(customer, area, activity, product_name, n=claim_id, year=created.year)
        # fmt: off
        row = (
            claim_id, partner_pk, mpns[n % len(mpns)], creator, status, name, tenant_text, domain,
            tenant_pk if key else None,  # resolved at submission
            area, activity, sub_ref, None, f"{first} {last}", _TITLES[n % len(_TITLES)],
            f"{first}.{last}@{domain}".lower(), contact_name, contact_email,
            claim_description(area, activity, product_name), "", key,
            False, status == Status.DISPUTED,  # never competing; a disputed claim was disputed once
            t.assignee, t.due_at, t.due_kind, t.paused, t.submitted, t.started, t.decided, t.dispute_until, t.ended,
            t.decision_reason, "", t.end_reason, "", None, t.version, created, t.updated,
        )
        # fmt: on
        yield row, product_pks

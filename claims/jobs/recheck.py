"""Subscription re-check (beat, daily; ``manage.py recheck_subscriptions``; and per claim from
the review screen).

- An approved association whose subscription the directory now reports as expired or
  disabled is ended (``claims.services.claim_end`` with ``user=SYSTEM``), and its partner is
  told to claim the new subscription: the ``association_ended`` notification carries the
  renewed subscription (same tenant, active, provisioned, covering the claim's products) when
  the directory has one, and its e-mail links to the prefilled reclaim form.
- A draft whose subscription ID names a subscription that is not provisioned yet is
  remembered (a ``SweepMark``); once the subscription is provisioned and claimable, the
  partner is told once that the draft can be submitted.

Claims are read in chunks of ``CHUNK`` with one query per chunk (plus one or two for the
directory data of the whole chunk), never one query per claim; only the state change itself
goes claim by claim through the state machine.
"""

import logging
import time
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from claims.errors import ClaimChanged, ClaimError, InvalidTransition
from claims.jobs.rows import Inserted, claim_marks, insert_notifications, log_job_run, record_job_run
from claims.models import Claim, EndReason
from claims.services import claim_end
from claims.states import Status
from directory.models import CLAIMABLE_SUBSCRIPTION_STATUSES, Subscription, SubscriptionStatus
from lib import clock
from lib.actors import SYSTEM
from lib.paging import keyset_pages
from notifications.models import EmailState, Notification, SweepMark
from notifications.services import deferred_outbox_flush, queue_outbox_flush
from partners.selectors import partner_members

log = logging.getLogger(__name__)

JOB_NAME = "recheck_subscriptions"
CHUNK = 500
LAPSED = {
    SubscriptionStatus.EXPIRED: EndReason.SUBSCRIPTION_EXPIRED,
    SubscriptionStatus.DISABLED: EndReason.SUBSCRIPTION_DISABLED,
}

ENDED, STILL_ACTIVE, SKIPPED = "ended", "still_active", "skipped"
CLAIMABLE_NOW, WAITING, UNKNOWN, NOT_APPLICABLE = "claimable_now", "waiting", "unknown", "not_applicable"
OUTCOME_MESSAGES = {
    ENDED: _(
        "The subscription is %(status)s: the association was ended and the partner was told to claim the new "
        "subscription."
    ),
    STILL_ACTIVE: _("The subscription is still %(status)s. Nothing changed."),
    SKIPPED: _("The claim changed while it was re-checked. Reload and try again."),
    CLAIMABLE_NOW: _("The subscription is provisioned now: the partner was told the draft can be submitted."),
    WAITING: _("The subscription is not provisioned yet. The partner is told when it is."),
    UNKNOWN: _("The directory does not know this subscription."),
    NOT_APPLICABLE: _("Only approved associations and drafts are re-checked against the directory."),
}


@dataclass(frozen=True)
class RecheckOutcome:
    code: str
    subscription_status: str = ""

    @property
    def message(self) -> str:
        labels = dict(SubscriptionStatus.choices)
        status = str(labels.get(self.subscription_status, self.subscription_status)).lower()
        return str(OUTCOME_MESSAGES[self.code]) % {"status": status}


# --- approved associations on a lapsed subscription ----------------------------------------


def _renewals(rows) -> dict[int, uuid.UUID]:
    """For each (claim id, …, subscription pk, …, tenant pk) row the renewed subscription:
    active/in grace and provisioned, on the same tenant, covering the claim's products
    (an exact match of the old subscription's products first, then the newest)."""
    claim_ids = [r[0] for r in rows]
    old_subs = {r[2] for r in rows}
    tenants = {r[4] for r in rows}
    claim_products: dict[int, set[int]] = {}
    for claim_id, product_id in Claim.products.through.objects.filter(claim_id__in=claim_ids).values_list(
        "claim_id", "product_id"
    ):
        claim_products.setdefault(claim_id, set()).add(product_id)
    through = Subscription.products.through
    sub_products: dict[int, set[int]] = {}
    for sub_id, product_id in through.objects.filter(subscription_id__in=old_subs).values_list(
        "subscription_id", "product_id"
    ):
        sub_products.setdefault(sub_id, set()).add(product_id)
    candidates: dict[int, dict[int, tuple[uuid.UUID, set[int]]]] = {}
    for sub_pk, sub_uuid, tenant_pk, product_id in through.objects.filter(
        subscription__tenant_id__in=tenants,
        subscription__status__in=CLAIMABLE_SUBSCRIPTION_STATUSES,
        subscription__provisioned=True,
    ).values_list("subscription_id", "subscription__subscription_id", "subscription__tenant_id", "product_id"):
        entry = candidates.setdefault(tenant_pk, {}).setdefault(sub_pk, (sub_uuid, set()))
        entry[1].add(product_id)
    found = {}
    for claim_id, _version, sub_pk, _status, tenant_pk in rows:
        old = sub_products.get(sub_pk, set())
        wanted = claim_products.get(claim_id) or old
        options = [
            (products == old, pk, sub_uuid)
            for pk, (sub_uuid, products) in candidates.get(tenant_pk, {}).items()
            if pk != sub_pk and wanted <= products
        ]
        if options:
            found[claim_id] = max(options)[2]
    return found


def _end_one(pk: int, version: int, sub_status: str, renewed: uuid.UUID | None) -> str:
    reason = LAPSED[sub_status]
    try:
        with transaction.atomic():
            claim = (
                Claim.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, version=version, status=Status.APPROVED)
                .first()
            )
            if claim is None:
                return SKIPPED
            claim_end(claim=claim, user=SYSTEM, reason=reason, expected_version=version)
            if renewed is not None:
                # The partner's "association ended" notice carries the renewed subscription for
                # the prefilled reclaim link (same transaction: sent with it or not at all).
                Notification.objects.filter(
                    claim_id=pk, kind="association_ended", email_state=EmailState.PENDING
                ).update(data={"reason": reason, "renewed_subscription": str(renewed)})
    except (ClaimChanged, InvalidTransition):
        return SKIPPED
    except ClaimError:
        log.exception("ending claim %s after its subscription lapsed failed", pk)
        return SKIPPED
    return ENDED


LAPSED_FIELDS = ("id", "version", "subscription_id", "subscription__status", "subscription__tenant_id")


def _end_lapsed(rows) -> dict:
    counts = {"ended": 0, "skipped": 0}
    renewed = _renewals(rows)
    for pk, version, _sub, sub_status, _tenant in rows:
        outcome = _end_one(pk, version, sub_status, renewed.get(pk))
        counts["ended" if outcome == ENDED else "skipped"] += 1
    return counts


def end_lapsed_associations(*, chunk_size: int = CHUNK) -> dict:
    qs = Claim.objects.filter(status=Status.APPROVED, subscription__status__in=list(LAPSED))
    totals = {"ended": 0, "skipped": 0}
    for rows in keyset_pages(qs, LAPSED_FIELDS, chunk_size):
        for key, value in _end_lapsed(rows).items():
            totals[key] += value
    return totals


# --- drafts waiting for their subscription ------------------------------------------------


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID((text or "").strip())
    except ValueError:
        return None


DRAFT_FIELDS = ("id", "subscription_ref", "partner_id", "updated_at")


def _check_drafts(rows, written: dict | None = None) -> dict[int, str]:
    """Outcome per draft; records waiting drafts and notifies the partners of ready ones.
    ``written`` (when given) gains what this call wrote: ``waiting``, the drafts newly recorded
    as waiting (their marks); ``claimable_now``, the drafts whose partner was told now (a
    partner told before is not told again, and not counted); ``notifications``, the rows."""
    refs = {pk: _as_uuid(ref) for pk, ref, _partner, _updated in rows}
    subs = {
        s["subscription_id"]: s
        for s in Subscription.objects.filter(subscription_id__in={u for u in refs.values() if u}).values(
            "subscription_id", "status", "provisioned", "provisioned_at"
        )
    }
    keys = {pk: f"awaiting_provisioning:{pk}:{ref}" for pk, ref in refs.items() if ref in subs}
    seen_waiting = set(SweepMark.objects.filter(key__in=list(keys.values())).values_list("key", flat=True))
    outcomes, new_marks, ready = {}, [], []
    now = clock.now()
    for pk, _ref, partner_id, updated_at in rows:
        sub = subs.get(refs[pk])
        if sub is None:
            outcomes[pk] = UNKNOWN
        elif not sub["provisioned"]:
            outcomes[pk] = WAITING
            if keys[pk] not in seen_waiting:
                new_marks.append((keys[pk], pk))
        elif sub["status"] in CLAIMABLE_SUBSCRIPTION_STATUSES and (
            keys[pk] in seen_waiting or (sub["provisioned_at"] and sub["provisioned_at"] > updated_at)
        ):
            outcomes[pk] = CLAIMABLE_NOW
            ready.append((pk, refs[pk], partner_id))
        else:
            outcomes[pk] = NOT_APPLICABLE
    members = partner_members(partner_id for _pk, _ref, partner_id in ready) if ready else {}
    notes = [
        (
            user_id,
            pk,
            "subscription_claimable",
            {"subscription": str(ref)},
            f"subscription_claimable:{pk}:{ref}:{user_id}",
        )
        for pk, ref, partner_id in ready
        for user_id in members.get(partner_id, ())
    ]
    marked, told = set(), Inserted()
    if new_marks or notes:
        with transaction.atomic():
            marked = claim_marks(new_marks, run=uuid.uuid4(), created_at=now)
            told = insert_notifications(notes, created_at=now)
            if told.rows:
                queue_outbox_flush()
    if written is not None:
        written[WAITING] += len(marked)
        written[CLAIMABLE_NOW] += told.claims
        written["notifications"] += told.rows
    return outcomes


def check_waiting_drafts(*, chunk_size: int = CHUNK) -> dict:
    """What the drafts' check wrote (``_check_drafts``): ``waiting``, ``claimable_now`` and
    ``notifications``. A draft still waiting, or still claimable after its partner was told,
    is not counted again."""
    qs = Claim.objects.filter(status=Status.EDITING).exclude(subscription_ref="")
    totals = {WAITING: 0, CLAIMABLE_NOW: 0, "notifications": 0}
    for rows in keyset_pages(qs, DRAFT_FIELDS, chunk_size):
        _check_drafts(rows, totals)
    return totals


# --- entry points -------------------------------------------------------------------------


def run_subscription_recheck(*, chunk_size: int = CHUNK) -> dict:
    """Both checks once; returns what they did (associations ended or skipped; drafts newly
    recorded as waiting, drafts whose partner was told now) and logs it as one INFO line."""
    started = time.monotonic()
    with deferred_outbox_flush():
        associations = end_lapsed_associations(chunk_size=chunk_size)
        drafts = check_waiting_drafts(chunk_size=chunk_size)
    result = {
        "associations": associations,
        "drafts": {WAITING: drafts[WAITING], CLAIMABLE_NOW: drafts[CLAIMABLE_NOW]},
    }
    record_job_run(JOB_NAME, started=started, result=result)
    figures = {
        "associations_ended": associations["ended"],
        "associations_skipped": associations["skipped"],
        "drafts_waiting": drafts[WAITING],
        "drafts_claimable_now": drafts[CLAIMABLE_NOW],
        "draft_notifications": drafts["notifications"],
    }
    log_job_run(JOB_NAME, figures, started=started, logger=log)
    return result


def recheck_claim(claim: Claim) -> RecheckOutcome:
    """Re-check one claim now (the reviewer's button); same rules as the daily run."""
    if claim.status == Status.APPROVED and claim.subscription_id:
        row = Claim.objects.filter(pk=claim.pk).values_list(*LAPSED_FIELDS).first()
        if row is None or row[3] not in LAPSED:
            return RecheckOutcome(STILL_ACTIVE, row[3] if row else "")
        with deferred_outbox_flush():
            counts = _end_lapsed([row])
        return RecheckOutcome(ENDED if counts["ended"] else SKIPPED, row[3])
    if claim.status == Status.EDITING and claim.subscription_ref:
        row = Claim.objects.filter(pk=claim.pk).values_list(*DRAFT_FIELDS).first()
        with deferred_outbox_flush():
            return RecheckOutcome(_check_drafts([row])[claim.pk])
    return RecheckOutcome(NOT_APPLICABLE)

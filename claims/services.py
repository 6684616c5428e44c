"""Every write to a claim: its creation, edits, comments, PoE and each state transition.

Each transition is one function that runs in one transaction, reloads the claim with
``select_for_update``, refuses a stale form (``expected_version``) or a wrong state with a
domain error, saves with ``update_fields``, posts its system comment, writes its notification
rows (the outbox) and appends its audit event. Lifecycle (DESIGN.md):

    editing → submitted → under_review → approved | rejected | action_required
    action_required → under_review (resubmit);  rejected → disputed (30 days) → decision
    approved → ended;  editing/submitted/under_review/action_required → withdrawn
    approved | rejected → under_review (a lead reverts a mistaken decision)
"""

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from audit.services import audit_record
from claims.errors import ClaimChanged, ClaimError, InvalidTransition, NotAllowed, ValidationFailed
from claims.models import (
    OPEN_STATUSES,
    PARTNER_EDITABLE_STATUSES,
    Claim,
    Comment,
    CommentKind,
    DueKind,
    EndReason,
    InfoRequestReason,
    PoeFile,
    RejectionReason,
    Status,
)
from claims.validation import ClaimInput, validate_claim
from lib import clock
from lib.business_days import business_days_after, business_days_between
from lib.locks import lock_association_key
from notifications.services import notify_partner, notify_users

SERVICE_DAYS = 5
DISPUTE_WINDOW = dt.timedelta(days=30)

# Fields a partner may change after submission (DESIGN.md: MPN, products, contacts).
EDITABLE_AFTER_SUBMIT = {
    "mpn",
    "products",
    "customer_contact_name",
    "customer_contact_title",
    "customer_contact_email",
    "partner_contact_name",
    "partner_contact_email",
}
DRAFT_FIELDS = EDITABLE_AFTER_SUBMIT | {
    "customer_tenant_id",
    "customer_domain",
    "solution_area",
    "activity",
    "subscription_ref",
    "description",
}
MAX_COMMENT_LENGTH = 10_000


# --- access rules shared by the services -------------------------------------------------


def _membership(user):
    return getattr(user, "partner_membership", None) if user is not None else None


def require_partner_writer(user, claim=None):
    """The user writes for a partner company (not a read-only role) and, with ``claim``,
    the claim is that company's."""
    membership = _membership(user)
    if membership is None or not membership.can_write:
        raise NotAllowed(_("Only your company's Global, Billing or Incentives admins can change claims."))
    if claim is not None and claim.partner_id != membership.partner_id:
        raise NotAllowed()
    return membership


def require_reviewer(user):
    if user is None or not getattr(user, "is_reviewer", False):
        raise NotAllowed(_("Only Microsoft reviewers can do this."))


def require_review_lead(user):
    if user is None or not getattr(user, "is_review_lead", False):
        raise NotAllowed(_("Only review leads can do this."))


# --- the transition machinery -------------------------------------------------------------


def _lock(claim: Claim, *, allowed_from, expected_version=None) -> Claim:
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise ClaimChanged()
    if locked.status not in allowed_from:
        raise InvalidTransition(
            _("This action is not possible while the claim is “%(status)s”.") % {"status": locked.get_status_display()}
        )
    return locked


def _save(claim: Claim, fields: set[str]) -> None:
    claim.version += 1
    try:
        with transaction.atomic():  # savepoint: a constraint violation leaves the outer transaction usable
            claim.save(update_fields=sorted(fields | {"version", "updated_at"}))
    except IntegrityError as exc:
        text = str(exc)
        # PostgreSQL names the constraint; SQLite names the columns.
        if (
            "claim_one_active_per_partner_key" in text
            or "claims_claim.partner_id, claims_claim.association_key" in text
        ):
            raise ClaimError(
                _("Your company already has an active claim for this association."), code="already_claimed"
            ) from exc
        if "claim_one_owner_per_key" in text or "claims_claim.association_key" in text:
            raise ClaimError(
                _("Another partner already owns this association. Decide it through arbitration.")
            ) from exc
        raise


def _transition(claim: Claim, to: str, *, actor, action: str, fields=(), reason_code="", data=None) -> Claim:
    from_status = claim.status
    claim.status = to
    _save(claim, set(fields) | {"status"})
    audit_record(
        action=f"claims.claim.{action}",
        actor=actor,
        claim=claim,
        from_status=from_status,
        to_status=to,
        reason_code=reason_code,
        data=data,
    )
    return claim


def system_comment(claim: Claim, code: str, *, body: str = "", data=None, internal=False, author=None) -> Comment:
    return Comment.objects.create(
        claim=claim,
        kind=CommentKind.SYSTEM,
        internal=internal,
        code=code,
        data=data or {},
        body=body,
        author=author if (author is not None and author.is_authenticated) else None,
    )


def _set_due(claim: Claim, kind: str, *, days: int = SERVICE_DAYS, now=None) -> set[str]:
    claim.due_at = business_days_after(now or clock.now(), days)
    claim.due_kind = kind
    return {"due_at", "due_kind"}


def _clear_due(claim: Claim) -> set[str]:
    claim.due_at, claim.due_kind, claim.paused_days = None, "", None
    return {"due_at", "due_kind", "paused_days"}


def _reviewer_ids(claim: Claim) -> list[int]:
    return [claim.assignee_id] if claim.assignee_id else []


def _open_case(claim: Claim):
    from arbitration.models import CaseStatus

    link = claim.case_links.select_related("case").filter(case__status=CaseStatus.OPEN).first()
    return link.case if link else None


# --- drafts and edits ---------------------------------------------------------------------


def _apply_fields(claim: Claim, data: dict, allowed: set[str]) -> tuple[set[str], list | None]:
    changed, products = set(), None
    for name, value in data.items():
        if name not in allowed:
            continue
        if name == "products":
            products = list(value)
            continue
        if isinstance(value, str):
            value = value.strip()
            if name in {"customer_domain"}:
                value = value.lower()
        if name == "mpn":
            name, value = "mpn_id", getattr(value, "pk", value)
        if getattr(claim, name) != value:
            setattr(claim, name, value)
            changed.add(name)
    return changed, products


@transaction.atomic
def claim_create(*, user, data: dict, reclaimed_from: Claim | None = None) -> Claim:
    """A new draft (``editing``) for the user's company. Any subset of fields may be set."""
    membership = require_partner_writer(user)
    mpn = data.get("mpn")
    if mpn is not None and mpn.partner_id != membership.partner_id:
        raise NotAllowed(_("This MPN does not belong to your company."))
    if reclaimed_from is not None and reclaimed_from.partner_id != membership.partner_id:
        raise NotAllowed()
    if mpn is None:
        raise ClaimError(_("Choose an MPN ID."))
    claim = Claim(partner_id=membership.partner_id, created_by=user, reclaimed_from=reclaimed_from)
    _changed, products = _apply_fields(claim, data, DRAFT_FIELDS)
    claim.save()
    if products is not None:
        claim.products.set(products)
    audit_record(
        action="claims.claim.created",
        actor=user,
        claim=claim,
        to_status=Status.EDITING,
        data={"reclaimed_from": reclaimed_from.pk} if reclaimed_from else {},
    )
    return claim


@transaction.atomic
def claim_update(*, claim: Claim, user, data: dict, expected_version=None) -> Claim:
    """Change the partner-editable fields. In ``editing`` every field; after submission only
    the MPN, products and contacts, and never so that the claim would cover another key."""
    require_partner_writer(user, claim)
    claim = _lock(claim, allowed_from=PARTNER_EDITABLE_STATUSES, expected_version=expected_version)
    allowed = DRAFT_FIELDS if claim.status == Status.EDITING else EDITABLE_AFTER_SUBMIT
    mpn = data.get("mpn")
    if mpn is not None and mpn.partner_id != claim.partner_id:
        raise NotAllowed(_("This MPN does not belong to your company."))
    before = {name: getattr(claim, name) for name in DRAFT_FIELDS - {"products", "mpn"}}
    changed, products = _apply_fields(claim, data, allowed)
    if products is not None and {p.pk for p in products} != set(claim.products.values_list("pk", flat=True)):
        changed.add("products")
    if not changed:
        return claim
    if claim.status != Status.EDITING:
        # Re-check what a submitted claim now says; it must still be valid and cover the same key.
        check = ClaimInput.from_claim(claim)
        if products is not None:
            check.products = products
        result = validate_claim(check, partner=claim.partner, claim_id=claim.pk)
        if not result.ok:
            raise ValidationFailed(result.errors)
        if result.key != claim.association_key:
            raise ClaimError(
                _(
                    "This change would make the claim cover another product or subscription. "
                    "Withdraw it and file a new claim."
                )
            )
    _save(claim, changed - {"products"})
    if products is not None:
        claim.products.set(products)
    audit_record(
        action="claims.claim.updated",
        actor=user,
        claim=claim,
        from_status=claim.status,
        to_status=claim.status,
        data={"fields": sorted(changed), "before": {k: str(v) for k, v in before.items() if k in changed}},
    )
    return claim


# --- transitions --------------------------------------------------------------------------


@transaction.atomic
def claim_submit(*, claim: Claim, user, expected_version=None):
    """editing → submitted. Runs every validation rule against the directory; on success
    records what the input resolved to and the association key, opens or joins an
    arbitration case when another partner holds or pursues the key, and starts the
    5-business-day clock for the review to start. Returns ``(claim, warnings)``."""
    require_partner_writer(user, claim)
    claim = _lock(claim, allowed_from=(Status.EDITING,), expected_version=expected_version)
    result = validate_claim(ClaimInput.from_claim(claim), partner=claim.partner, claim_id=claim.pk)
    if not result.ok:
        raise ValidationFailed(result.errors)
    lock_association_key(result.key)
    # Re-read holders under the key lock: a concurrent submission may have landed meanwhile.
    result = validate_claim(ClaimInput.from_claim(claim), partner=claim.partner, claim_id=claim.pk)
    if not result.ok:
        raise ValidationFailed(result.errors)
    now = clock.now()
    claim.tenant_id = result.tenant_pk
    claim.subscription_id = result.subscription_pk
    claim.association_key = result.key
    claim.is_competing = result.competing
    claim.submitted_at = now
    fields = {"tenant", "subscription", "association_key", "is_competing", "submitted_at"}
    fields |= _set_due(claim, DueKind.REVIEW_START, now=now)
    _transition(
        claim,
        Status.SUBMITTED,
        actor=user,
        action="submitted",
        fields=fields,
        data={"key": result.key, "competing": result.competing, "warnings": [w.code for w in result.warnings]},
    )
    system_comment(claim, "submitted")
    if result.competing:
        from arbitration.services import arbitration_join_or_open

        arbitration_join_or_open(claim=claim, actor=user)
    return claim, result.warnings


@transaction.atomic
def claim_start_review(*, claim: Claim, user, expected_version=None) -> Claim:
    """submitted → under_review. The reviewer takes the claim (if unassigned) and has
    5 business days to decide."""
    require_reviewer(user)
    claim = _lock(claim, allowed_from=(Status.SUBMITTED,), expected_version=expected_version)
    now = clock.now()
    claim.review_started_at = now
    fields = {"review_started_at"} | _set_due(claim, DueKind.DECISION, now=now)
    if claim.assignee_id is None:
        claim.assignee = user
        fields.add("assignee")
    _transition(claim, Status.UNDER_REVIEW, actor=user, action="review_started", fields=fields)
    system_comment(claim, "review_started")
    return claim


@transaction.atomic
def claim_assign(*, claim: Claim, user, assignee, expected_version=None) -> Claim:
    """Assign a claim awaiting Microsoft. Reviewers take claims themselves; only leads
    assign to someone else (or unassign)."""
    require_reviewer(user)
    if assignee != user:
        require_review_lead(user)
    if assignee is not None and not assignee.is_reviewer:
        raise ClaimError(_("Claims can only be assigned to reviewers."))
    claim = _lock(claim, allowed_from=OPEN_STATUSES, expected_version=expected_version)
    if claim.assignee_id == getattr(assignee, "pk", None):
        return claim
    before = claim.assignee_id
    claim.assignee = assignee
    _save(claim, {"assignee"})
    audit_record(
        action="claims.claim.assigned",
        actor=user,
        claim=claim,
        from_status=claim.status,
        to_status=claim.status,
        data={"from": before, "to": getattr(assignee, "pk", None)},
    )
    name = assignee.get_full_name() or assignee.username if assignee else "—"
    system_comment(claim, "assigned", internal=True, data={"assignee": name}, author=user)
    if assignee is not None and assignee != user:
        notify_users(user_ids=[assignee.pk], kind="assigned", claim=claim)
    return claim


@transaction.atomic
def claim_request_info(*, claim: Claim, user, reasons: list[str], message: str, expected_version=None) -> Claim:
    """under_review | disputed → action_required. The partner has 5 business days to answer;
    the reviewer's clock pauses with the business days it had left."""
    require_reviewer(user)
    valid = set(InfoRequestReason.values)
    reasons = [r for r in dict.fromkeys(reasons) if r in valid]
    if not reasons:
        raise ClaimError(_("Choose at least one reason for the request."))
    if not (message or "").strip():
        raise ClaimError(_("Write a message that tells the partner what to provide."))
    claim = _lock(claim, allowed_from=(Status.UNDER_REVIEW, Status.DISPUTED), expected_version=expected_version)
    now = clock.now()
    left = SERVICE_DAYS
    if claim.due_kind == DueKind.DECISION and claim.due_at:
        # Remaining reviewer time, a started business day counting as a whole one.
        left = max(0, business_days_between(now, claim.due_at))  # overdue: nothing left
        if business_days_after(now, left) < claim.due_at:
            left += 1
        left = min(max(1, left), SERVICE_DAYS)
    claim.paused_days = left
    fields = {"paused_days"} | _set_due(claim, DueKind.PARTNER_RESPONSE, now=now)
    if claim.assignee_id is None:
        claim.assignee = user
        fields.add("assignee")
    _transition(
        claim,
        Status.ACTION_REQUIRED,
        actor=user,
        action="info_requested",
        fields=fields,
        reason_code=",".join(reasons),
        data={"reasons": reasons, "from_dispute": claim.status == Status.DISPUTED},
    )
    system_comment(claim, "info_requested", body=message.strip(), data={"reasons": reasons}, author=user)
    notify_partner(claim=claim, kind="info_requested", data={"reasons": reasons})
    return claim


@transaction.atomic
def claim_resubmit(*, claim: Claim, user, message: str, expected_version=None) -> Claim:
    """action_required → under_review with the partner's answer; the reviewer's clock resumes
    with the business days it had left."""
    require_partner_writer(user, claim)
    if not (message or "").strip():
        raise ClaimError(_("Write your answer to Microsoft's request before you resubmit."))
    claim = _lock(claim, allowed_from=(Status.ACTION_REQUIRED,), expected_version=expected_version)
    now = clock.now()
    fields = _set_due(claim, DueKind.DECISION, days=claim.paused_days or SERVICE_DAYS, now=now)
    claim.paused_days = None
    fields.add("paused_days")
    _transition(claim, Status.UNDER_REVIEW, actor=user, action="resubmitted", fields=fields)
    system_comment(claim, "resubmitted", body=message.strip(), author=user)
    notify_users(user_ids=_reviewer_ids(claim), kind="partner_responded", claim=claim)
    return claim


@transaction.atomic
def claim_approve(*, claim: Claim, user, message: str = "", expected_version=None) -> Claim:
    """under_review | disputed → approved: the partner owns the key. A claim in an open
    arbitration case is decided by the award instead."""
    require_reviewer(user)
    claim = _lock(claim, allowed_from=(Status.UNDER_REVIEW, Status.DISPUTED), expected_version=expected_version)
    if _open_case(claim) is not None:
        raise ClaimError(_("This claim competes with another; decide it on the arbitration case."))
    lock_association_key(claim.association_key)
    return _approve_locked(claim, actor=user, message=message)


def _approve_locked(claim: Claim, *, actor, message: str = "", data=None) -> Claim:
    now = clock.now()
    claim.decided_at = now
    claim.decision_reason = ""
    claim.decision_message = (message or "").strip()
    claim.dispute_until = None
    fields = {"decided_at", "decision_reason", "decision_message", "dispute_until"} | _clear_due(claim)
    _transition(claim, Status.APPROVED, actor=actor, action="approved", fields=fields, data=data)
    system_comment(claim, "approved", body=claim.decision_message, author=actor)
    notify_partner(claim=claim, kind="decision", data={"status": Status.APPROVED})
    return claim


@transaction.atomic
def claim_reject(*, claim: Claim, user, reason: str, message: str = "", expected_version=None) -> Claim:
    """under_review | disputed → rejected with a coded reason. The partner may dispute within
    30 days (a rejected dispute is final). ``user=None`` is the automatic rejection for
    *no partner response* at an action_required deadline."""
    if reason not in RejectionReason.values:
        raise ClaimError(_("Choose a rejection reason."))
    if user is None:
        if reason != RejectionReason.NO_PARTNER_RESPONSE:
            raise NotAllowed()
        allowed = (Status.ACTION_REQUIRED,)
    else:
        require_reviewer(user)
        allowed = (Status.UNDER_REVIEW, Status.DISPUTED)
        if reason == RejectionReason.COMPETING_CLAIM_AWARDED:
            raise ClaimError(_("Competing claims are decided on the arbitration case."))
    claim = _lock(claim, allowed_from=allowed, expected_version=expected_version)
    if user is not None and _open_case(claim) is not None:
        raise ClaimError(_("This claim competes with another; decide it on the arbitration case."))
    return _reject_locked(claim, actor=user, reason=reason, message=message)


def _reject_locked(claim: Claim, *, actor, reason: str, message: str = "", data=None) -> Claim:
    now = clock.now()
    # A claim that was disputed once gets a final rejection, even when the dispute went
    # through an information request and came back under review.
    was_dispute = (
        claim.status == Status.DISPUTED
        or AuditEvent.objects.filter(claim=claim, action="claims.claim.disputed").exists()
    )
    claim.decided_at = now
    claim.decision_reason = reason
    claim.decision_message = (message or "").strip()
    claim.dispute_until = None if was_dispute else now + DISPUTE_WINDOW
    fields = {"decided_at", "decision_reason", "decision_message", "dispute_until"} | _clear_due(claim)
    _transition(claim, Status.REJECTED, actor=actor, action="rejected", fields=fields, reason_code=reason, data=data)
    code = "rejected_final" if was_dispute else "rejected"
    system_comment(claim, code, body=claim.decision_message, data={"reason": reason}, author=actor)
    notify_partner(claim=claim, kind="decision", data={"status": Status.REJECTED, "reason": reason})
    return claim


@transaction.atomic
def claim_withdraw(*, claim: Claim, user, reason: str = "", expected_version=None) -> Claim:
    """Before a decision the partner may recall its claim (drafts included)."""
    require_partner_writer(user, claim)
    allowed = (Status.EDITING, Status.SUBMITTED, Status.UNDER_REVIEW, Status.ACTION_REQUIRED)
    claim = _lock(claim, allowed_from=allowed, expected_version=expected_version)
    fields = _clear_due(claim)
    _transition(claim, Status.WITHDRAWN, actor=user, action="withdrawn", fields=fields, data={"reason": reason})
    system_comment(claim, "withdrawn", body=(reason or "").strip(), author=user)
    notify_users(user_ids=_reviewer_ids(claim), kind="withdrawn", claim=claim)
    from arbitration.services import arbitration_claim_left

    arbitration_claim_left(claim=claim, actor=user)
    return claim


@transaction.atomic
def claim_dispute(*, claim: Claim, user, justification: str, expected_version=None) -> Claim:
    """rejected → disputed within 30 calendar days of the rejection, with a justification
    (new PoE can be added before). Microsoft decides within 5 business days."""
    require_partner_writer(user, claim)
    if not (justification or "").strip():
        raise ClaimError(_("Explain why the rejection is wrong."))
    claim = _lock(claim, allowed_from=(Status.REJECTED,), expected_version=expected_version)
    now = clock.now()
    if claim.dispute_until is None or now > claim.dispute_until:
        raise InvalidTransition(_("The 30-day dispute window has closed. File a new claim instead."))
    lock_association_key(claim.association_key)
    fields = _set_due(claim, DueKind.DECISION, now=now)
    _transition(claim, Status.DISPUTED, actor=user, action="disputed", fields=fields)
    system_comment(claim, "disputed", body=justification.strip(), author=user)
    notify_users(user_ids=_reviewer_ids(claim), kind="disputed", claim=claim)
    return claim


@transaction.atomic
def claim_end(*, claim: Claim, user, reason: str, message: str = "", expected_version=None) -> Claim:
    """approved → ended. The partner ends its association with a mandatory reason; the
    subscription re-check ends it when the subscription expired or was disabled
    (``user=None``); an arbitration award ends a losing incumbent."""
    if reason not in EndReason.values:
        raise ClaimError(_("Choose why the association ends."))
    if user is not None and reason == EndReason.PARTNER_DISASSOCIATED:
        require_partner_writer(user, claim)
        if not (message or "").strip():
            raise ClaimError(_("Say why your company ends this association."))
    elif user is not None:
        raise NotAllowed()
    claim = _lock(claim, allowed_from=(Status.APPROVED,), expected_version=expected_version)
    return _end_locked(claim, actor=user, reason=reason, message=message)


def _end_locked(claim: Claim, *, actor, reason: str, message: str = "", data=None) -> Claim:
    claim.ended_at = clock.now()
    claim.end_reason = reason
    claim.end_message = (message or "").strip()
    fields = {"ended_at", "end_reason", "end_message"}
    _transition(claim, Status.ENDED, actor=actor, action="ended", fields=fields, reason_code=reason, data=data)
    system_comment(claim, "ended", body=claim.end_message, data={"reason": reason}, author=actor)
    notify_partner(claim=claim, kind="association_ended", data={"reason": reason}, exclude_user=actor)
    return claim


@transaction.atomic
def claim_revert(*, claim: Claim, user, reason: str, expected_version=None) -> Claim:
    """approved | rejected → under_review: a review lead takes back a mistaken decision. The
    reason is an internal note; the partner is told the decision is being reviewed again."""
    require_review_lead(user)
    if not (reason or "").strip():
        raise ClaimError(_("Say why the decision is reverted."))
    claim = _lock(claim, allowed_from=(Status.APPROVED, Status.REJECTED), expected_version=expected_version)
    lock_association_key(claim.association_key)
    previous = claim.status
    claim.decided_at = None
    claim.decision_reason = ""
    claim.decision_message = ""
    claim.dispute_until = None
    fields = {"decided_at", "decision_reason", "decision_message", "dispute_until"}
    fields |= _set_due(claim, DueKind.DECISION)
    _transition(claim, Status.UNDER_REVIEW, actor=user, action="reverted", fields=fields, data={"reverted": previous})
    system_comment(claim, "reverted")
    system_comment(claim, "reverted_note", body=reason.strip(), internal=True, author=user)
    notify_partner(claim=claim, kind="decision", data={"status": Status.UNDER_REVIEW})
    return claim


# --- comments and PoE ---------------------------------------------------------------------


@transaction.atomic
def comment_add(*, claim: Claim, user, body: str, internal: bool = False) -> Comment:
    """A comment in the claim's thread. Partners write partner-visible comments on their own
    claims; reviewers write either, and an internal note never notifies a partner."""
    body = (body or "").strip()
    if not body:
        raise ClaimError(_("Write a comment first."))
    if len(body) > MAX_COMMENT_LENGTH:
        raise ClaimError(_("A comment can be at most %(n)d characters.") % {"n": MAX_COMMENT_LENGTH})
    if getattr(user, "is_reviewer", False):
        side = "reviewer"
    else:
        require_partner_writer(user, claim)
        if internal:
            raise NotAllowed()
        side = "partner"
    comment = Comment.objects.create(claim=claim, author=user, body=body, internal=internal)
    audit_record(
        action="claims.comment.added",
        actor=user,
        claim=claim,
        data={"comment": comment.pk, "internal": internal},
    )
    if side == "partner":
        notify_users(user_ids=_reviewer_ids(claim), kind="comment", claim=claim)
    elif not internal:
        notify_partner(claim=claim, kind="comment")
    return comment


# Where a partner may add PoE: while editable, to defend an approved association, and to
# support a dispute of a rejection.
POE_STATUSES = PARTNER_EDITABLE_STATUSES + (Status.APPROVED, Status.REJECTED, Status.DISPUTED)


@transaction.atomic
def poe_attach(*, claim: Claim, user, name: str, content: bytes, content_type: str) -> PoeFile:
    """Store one already-checked PoE file (claims.uploads checks type and size first)."""
    from django.conf import settings

    require_partner_writer(user, claim)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status not in POE_STATUSES:
        raise InvalidTransition(_("PoE cannot be added to a claim in this status."))
    if claim.poe_files.count() >= settings.POE_MAX_FILES_PER_CLAIM:
        raise ClaimError(
            _("A claim can have at most %(n)d PoE files.") % {"n": settings.POE_MAX_FILES_PER_CLAIM}, code="too_many"
        )
    poe = PoeFile(
        claim=claim,
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
    )
    poe.file.save(name, ContentFile(content), save=False)
    try:
        poe.save()
        _save(claim, set())
        audit_record(
            action="claims.poe.added",
            actor=user,
            claim=claim,
            data={"poe": poe.pk, "sha256": poe.sha256, "size": poe.size, "type": content_type},
        )
    except Exception:
        poe.file.storage.delete(poe.file.name)  # no stored file without its row
        raise
    if claim.status != Status.EDITING:
        system_comment(claim, "poe_added", data={"name": name}, author=user)
        notify_users(user_ids=_reviewer_ids(claim), kind="poe_added", claim=claim)
    return poe


# --- set-based transitions for the periodic jobs ------------------------------------------------


@transaction.atomic
def claims_reject_unanswered(*, claims: list[tuple[int, int]], now=None) -> dict:
    """action_required → rejected with *no partner response*, for many claims at once (the
    SLA sweep). ``claims`` are ``(id, version)`` pairs read by the caller.

    The same rule as ``claim_reject(user=None, ...)``, done set-based in one transaction: the
    rows are locked (SKIP LOCKED: a partner answering right now wins), a claim whose version
    or state changed is skipped, and every rejected claim gets its audit event, its system
    comment and its partner notifications, as the one-by-one path would write them. On
    PostgreSQL all of it is one statement (the lock, the update and the three inserts as
    data-modifying CTEs fed by the update's RETURNING, the pairs bound as two arrays); other
    databases go through the ORM."""
    from django.db import connection

    from claims.cache import claims_changed
    from notifications.models import EmailState, Notification
    from notifications.services import queue_outbox_flush
    from partners.models import Membership

    now = now or clock.now()
    wanted = dict(claims)
    reason = RejectionReason.NO_PARTNER_RESPONSE
    if not wanted:
        return {"rejected": 0, "skipped": 0}
    if connection.vendor == "postgresql":
        import psycopg

        from accounts.models import User

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
            ), final AS (  -- a claim disputed before gets a final rejection (as in _reject_locked)
                SELECT DISTINCT a.claim_id AS id FROM {audit} a JOIN locked l ON l.id = a.claim_id
                WHERE a.action = 'claims.claim.disputed'
            ), rejected AS (
                UPDATE {claim} c
                SET status = %(to)s, decided_at = %(now)s, decision_reason = %(reason)s, decision_message = '',
                    due_at = NULL, due_kind = '', paused_days = NULL, version = c.version + 1, updated_at = %(now)s,
                    dispute_until = CASE WHEN f.id IS NULL THEN %(until)s::timestamptz END
                FROM locked l LEFT JOIN final f ON f.id = l.id
                WHERE c.id = l.id
                RETURNING c.id, c.partner_id, f.id IS NOT NULL AS final
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
            )
            SELECT r.id, r.partner_id FROM rejected r
        """.format(**tables)  # noqa: S608 (the table names are ours, every value a parameter)
        params = {
            # In id order: the claims, their indexes and the new rows' indexes are walked in order.
            "ids": sorted(wanted),
            "versions": [wanted[pk] for pk in sorted(wanted)],
            "from": Status.ACTION_REQUIRED,
            "to": Status.REJECTED,
            "due_kind": DueKind.PARTNER_RESPONSE,
            "reason": reason,
            "system": CommentKind.SYSTEM,
            "pending": EmailState.PENDING,
            "now": now,
            "until": now + DISPUTE_WINDOW,
        }
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    else:
        locked = list(
            Claim.objects.select_for_update(skip_locked=True)
            .filter(pk__in=wanted, status=Status.ACTION_REQUIRED, due_kind=DueKind.PARTNER_RESPONSE, due_at__lte=now)
            .values_list("id", "partner_id", "version")
        )
        rows = [(pk, partner_id) for pk, partner_id, version in locked if wanted.get(pk) == version]
        ids = [pk for pk, _p in rows]
        final = set(
            AuditEvent.objects.filter(claim_id__in=ids, action="claims.claim.disputed").values_list(
                "claim_id", flat=True
            )
        )
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
        Claim.objects.filter(pk__in=[i for i in ids if i not in final]).update(
            dispute_until=now + DISPUTE_WINDOW, **common
        )
        if final:
            Claim.objects.filter(pk__in=final).update(dispute_until=None, **common)
        AuditEvent.objects.bulk_create(
            AuditEvent(
                action="claims.claim.rejected",
                claim_id=pk,
                from_status=Status.ACTION_REQUIRED,
                to_status=Status.REJECTED,
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
        members: dict[int, list[int]] = {}
        for user_id, partner_id in Membership.objects.filter(
            partner_id__in={p for _pk, p in rows}, user__is_active=True
        ).values_list("user_id", "partner_id"):
            members.setdefault(partner_id, []).append(user_id)
        Notification.objects.bulk_create(
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
    if not rows:
        return {"rejected": 0, "skipped": len(wanted)}
    if connection.vendor == "postgresql":  # the ORM path went through ClaimQuerySet.update already
        claims_changed(partner_ids={p for _pk, p in rows})
    queue_outbox_flush()
    return {"rejected": len(rows), "skipped": len(wanted) - len(rows)}

"""Every write to a claim by a person: its creation, edits, comments, PoE and each transition.

Each use case runs in one transaction: it checks who asks (``claims.access``), locks the claim
and checks the action against the lifecycle table (``claims.transitions.claim_lock``, the
table in ``claims.states``), refuses a stale form (``expected_version``), saves with
``update_fields``, posts its system comment, writes its notification rows (the outbox) and
appends its audit event. Competing claims join or leave their arbitration case through
``arbitration.membership``, in the same transaction. The lifecycle is in docs/lifecycle.md.
The periodic jobs' set-based writes are in ``claims.jobs``.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from arbitration.membership import arbitration_claim_left, arbitration_join_or_open
from arbitration.selectors import claim_open_case
from audit.models import AuditEvent
from audit.services import audit_record
from claims.access import require_actor, require_partner_writer, require_review_lead, require_reviewer
from claims.errors import ClaimError, InvalidTransition, NotAllowed, ValidationFailed
from claims.messages import service_days_data
from claims.models import (
    Claim,
    Comment,
    CommentKind,
    DueKind,
    EndReason,
    InfoRequestReason,
    PendingUpload,
    PendingUploadState,
    PoeFile,
    RejectionReason,
)
from claims.references import one_line
from claims.sla import deciding_a_dispute, service_days
from claims.states import TRANSITIONS, Status, status_in_sentence
from claims.transitions import (
    claim_lock,
    claim_mark_approved,
    claim_mark_ended,
    claim_mark_rejected,
    claim_save,
    claim_transition,
    decision_clear,
    due_clear,
    due_set,
    permitted,
    reviewer_ids,
    system_comment,
)
from claims.uploads import CheckedUpload, file_digest, too_many_files
from claims.validation import ClaimInput, validate_claim
from consent.models import Occasion
from consent.requests import consent_address_changed, consent_request_open
from lib import clock
from lib.actors import is_system
from lib.business_days import business_days_after, business_days_between
from lib.locks import lock_association_key
from lib.retry import retry_on_conflict
from notifications.services import notify_partner, notify_users
from partners.models import Partner

# Fields a partner may change after submission: the claim's name, the MPN, products and contacts.
EDITABLE_AFTER_SUBMIT = {
    "name",
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
    "filing_comment",
}
MAX_COMMENT_LENGTH = 10_000
COMPETES = _("This claim competes with another; decide it on the arbitration case.")
# What a missing input is told, here and in the forms that ask for it (one text, one translation).
REASONS_REQUIRED = _("Choose at least one reason for the request.")
MESSAGE_REQUIRED = _("Write a message that tells the partner what to provide.")
REJECTION_REASON_REQUIRED = _("Choose a rejection reason.")
REVERT_REASON_REQUIRED = _("Say why the decision is reverted.")
COMMENT_REQUIRED = _("Write a comment first.")
NAME_REQUIRED = _("Give the claim a name, such as the customer and the project.")
THREAD_CLOSED = _(
    "This claim is “%(status)s”, so its conversation is closed. To pursue the association again, file a new claim."
)


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
            if name == "customer_domain":
                value = value.lower()
            elif name == "name":
                value = one_line(value)  # shown in headings, e-mail subjects and CSV cells
        if name == "mpn":
            name, value = "mpn_id", getattr(value, "pk", value)
        if getattr(claim, name) != value:
            setattr(claim, name, value)
            changed.add(name)
    return changed, products


@retry_on_conflict
@transaction.atomic
def claim_create(*, user, data: dict, reclaimed_from: Claim | None = None) -> Claim:
    """A new draft (``editing``) for the user's company. Any subset of fields may be set. A
    company has at most ``settings.MAX_OPEN_DRAFTS_PER_PARTNER`` drafts open at once (counted
    under the partner's row lock); a submitted or discarded draft frees its place."""
    membership = require_partner_writer(user)
    mpn = data.get("mpn")
    if mpn is not None and mpn.partner_id != membership.partner_id:
        raise NotAllowed(_("This MPN does not belong to your company."))
    if reclaimed_from is not None and reclaimed_from.partner_id != membership.partner_id:
        raise NotAllowed()
    if mpn is None:
        raise ClaimError(_("Choose an MPN ID."))
    partner_lock(membership.partner_id)  # concurrent drafts of one company count one after the other
    drafts = Claim.objects.filter(partner_id=membership.partner_id, status=Status.EDITING).count()
    if drafts >= settings.MAX_OPEN_DRAFTS_PER_PARTNER:
        raise ClaimError(
            ngettext(
                "Your company has %(n)d open draft, the most allowed. Submit or discard it first.",
                "Your company has %(n)d open drafts, the most allowed. Submit or discard a draft first.",
                drafts,
            )
            % {"n": drafts},
            code="too_many_drafts",
        )
    claim = Claim(partner_id=membership.partner_id, created_by=user, reclaimed_from=reclaimed_from)
    _changed, products = _apply_fields(claim, data, DRAFT_FIELDS)
    if not claim.name:
        raise ClaimError(NAME_REQUIRED, code="name_required")
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


@retry_on_conflict
@transaction.atomic
def claim_update(*, claim: Claim, user, data: dict, expected_version=None) -> Claim:
    """Change the partner-editable fields. In ``editing`` every field; after submission only
    the MPN, products and contacts, and never so that the claim would cover another key."""
    require_partner_writer(user, claim)
    claim = claim_lock(claim=claim, action="edit", expected_version=expected_version)
    allowed = DRAFT_FIELDS if claim.status == Status.EDITING else EDITABLE_AFTER_SUBMIT
    mpn = data.get("mpn")
    if mpn is not None and mpn.partner_id != claim.partner_id:
        raise NotAllowed(_("This MPN does not belong to your company."))
    before = {name: getattr(claim, name) for name in DRAFT_FIELDS - {"products", "mpn"}}
    changed, products = _apply_fields(claim, data, allowed)
    if "name" in changed and not claim.name:
        raise ClaimError(NAME_REQUIRED, code="name_required")
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
    claim_save(claim=claim, fields=changed - {"products"})
    if products is not None:
        claim.products.set(products)
    if "customer_contact_email" in changed and claim.status != Status.EDITING:
        consent_address_changed(claim=claim, actor=user)  # the old address's link stops working
    audit_record(
        action="claims.claim.updated",
        actor=user,
        claim=claim,
        from_status=claim.status,
        to_status=claim.status,
        data={"fields": sorted(changed), "before": {k: str(v) for k, v in before.items() if k in changed}},
    )
    return claim


# --- the partner's transitions ------------------------------------------------------------


@retry_on_conflict
@transaction.atomic
def claim_submit(*, claim: Claim, user, expected_version=None):
    """editing → submitted. Runs every validation rule against the directory; on success
    records what the input resolved to and the association key, opens or joins an
    arbitration case when another partner holds or pursues the key, and starts the
    5-business-day clock for the review to start. Returns ``(claim, warnings)``."""
    require_partner_writer(user, claim)
    claim = claim_lock(claim=claim, action="submit", expected_version=expected_version)
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
    fields |= due_set(claim=claim, kind=DueKind.REVIEW_START, now=now)
    claim_transition(
        claim=claim,
        action="submit",
        actor=user,
        fields=fields,
        data={"key": result.key, "competing": result.competing, "warnings": [w.code for w in result.warnings]},
    )
    system_comment(claim, "submitted", data=service_days_data("submitted"))
    # The customer contact is asked to confirm or decline (docs/consent.md), e-mailed after commit.
    consent_request_open(claim=claim, actor=user, occasion=Occasion.SUBMITTED, now=now)
    if claim.filing_comment.strip():  # the partner's comment when filing opens the conversation
        comment = Comment.objects.create(
            claim=claim, kind=CommentKind.COMMENT, author=user, body=claim.filing_comment.strip()[:MAX_COMMENT_LENGTH]
        )
        audit_record(action="claims.comment.added", actor=user, claim=claim, data={"comment": comment.pk})
    if result.competing:
        arbitration_join_or_open(claim=claim, actor=user)
    return claim, result.warnings


@retry_on_conflict
@transaction.atomic
def claim_resubmit(*, claim: Claim, user, message: str, expected_version=None) -> Claim:
    """action_required → under_review with the partner's answer; the reviewer's clock resumes
    with the business days it had left."""
    require_partner_writer(user, claim)
    if not (message or "").strip():
        raise ClaimError(_("Write your answer to Microsoft's request before you resubmit."))
    claim = claim_lock(claim=claim, action="resubmit", expected_version=expected_version)
    fields = due_set(claim=claim, kind=DueKind.DECISION, days=claim.paused_days or None)
    claim.paused_days = None
    fields.add("paused_days")
    claim_transition(claim=claim, action="resubmit", actor=user, fields=fields)
    system_comment(claim, "resubmitted", body=message.strip(), author=user)
    notify_users(user_ids=reviewer_ids(claim), kind="partner_responded", claim=claim)
    return claim


@retry_on_conflict
@transaction.atomic
def claim_withdraw(*, claim: Claim, user, reason: str = "", expected_version=None) -> Claim:
    """Before a decision the partner may recall its claim (drafts included). A competing
    claim leaves its arbitration case, which closes when no challenger is left."""
    require_partner_writer(user, claim)
    claim = claim_lock(claim=claim, action="withdraw", expected_version=expected_version)
    fields = due_clear(claim=claim)
    claim_transition(claim=claim, action="withdraw", actor=user, fields=fields, data={"reason": reason})
    system_comment(claim, "withdrawn", body=(reason or "").strip(), author=user)
    notify_users(user_ids=reviewer_ids(claim), kind="withdrawn", claim=claim)
    arbitration_claim_left(claim=claim, actor=user)
    return claim


@retry_on_conflict
@transaction.atomic
def drafts_discard(*, user, claim_ids, versions: dict[int, int] | None = None, reason: str = "") -> list[Claim]:
    """Discard several of the company's drafts at once ("Needs your action" on My claims): for
    each one what ``claim_withdraw`` does to a draft — the table's ``withdraw`` rule from
    ``editing``, the row lock, a new version, the audit event ``claims.claim.withdrawn`` and
    the system comment — in one transaction and a fixed number of queries however many drafts.

    Only the user's own company's drafts are discarded; any other id (another company's claim,
    a submitted claim, an unknown id) is left alone, as is a draft whose version differs from
    the one in ``versions`` (a colleague changed it after the list was drawn). A read-only role
    is refused (``NotAllowed``). A draft was never submitted, so it is in no arbitration case
    and has no reviewer to tell. Returns the discarded claims, in id order; nothing is deleted.
    """
    membership = require_partner_writer(user)
    step = TRANSITIONS["withdraw"]
    ids = sorted({int(pk) for pk in claim_ids})
    if not ids:
        return []
    # Locked in id order, as every writer of several claims does (no deadlock between two).
    locked = list(
        Claim.objects.select_for_update()
        .filter(pk__in=ids, partner_id=membership.partner_id, status=Status.EDITING)
        .order_by("pk")
    )
    versions = versions or {}
    drafts = [c for c in locked if c.status in step.sources and versions.get(c.pk, c.version) == c.version]
    if not drafts:
        return []
    now = clock.now()
    reason = (reason or "").strip()
    Claim.objects.filter(pk__in=[c.pk for c in drafts]).update(
        status=step.target,
        due_at=None,
        due_kind="",
        paused_days=None,
        version=F("version") + 1,
        updated_at=now,
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action=f"claims.claim.{step.event}",
            actor=user,
            claim=claim,
            from_status=claim.status,
            to_status=step.target,
            data={"reason": reason},
            created_at=now,
        )
        for claim in drafts
    )
    Comment.objects.bulk_create(
        Comment(claim=claim, kind=CommentKind.SYSTEM, code="withdrawn", body=reason, author=user) for claim in drafts
    )
    for claim in drafts:
        claim.status, claim.version, claim.updated_at = step.target, claim.version + 1, now
        claim.due_at, claim.due_kind, claim.paused_days = None, "", None
    return drafts


@retry_on_conflict
@transaction.atomic
def claim_dispute(*, claim: Claim, user, justification: str, expected_version=None) -> Claim:
    """rejected → disputed within 30 calendar days of the rejection, with a justification
    (new PoE can be added before). Microsoft decides within ``SERVICE_DAYS_DISPUTE_DECISION``
    business days; the claim is marked as disputed once, so its next rejection is final."""
    require_partner_writer(user, claim)
    if not (justification or "").strip():
        raise ClaimError(_("Explain why the rejection is wrong."))
    claim = claim_lock(claim=claim, action="dispute", expected_version=expected_version)
    now = clock.now()
    lock_association_key(claim.association_key)
    claim.disputed_once = True
    days = service_days(DueKind.DECISION, dispute=True)
    fields = {"disputed_once"} | due_set(claim=claim, kind=DueKind.DECISION, days=days, now=now)
    claim_transition(claim=claim, action="dispute", actor=user, fields=fields)
    system_comment(claim, "disputed", body=justification.strip(), author=user)
    notify_users(user_ids=reviewer_ids(claim), kind="disputed", claim=claim)
    return claim


@retry_on_conflict
@transaction.atomic
def claim_end(*, claim: Claim, user, reason: str, message: str = "", expected_version=None) -> Claim:
    """approved → ended. The partner ends its association with a mandatory reason; the
    subscription re-check (``user=SYSTEM``) ends it when the subscription expired or was
    disabled. (An arbitration award ends a losing incumbent through ``arbitration.services``.)"""
    require_actor(user)
    if reason not in EndReason.values:
        raise ClaimError(_("Choose why the association ends."))
    if reason == EndReason.PARTNER_DISASSOCIATED and not is_system(user):
        require_partner_writer(user, claim)
        if not (message or "").strip():
            raise ClaimError(_("Say why your company ends this association."))
    elif not is_system(user):
        raise NotAllowed()
    claim = claim_lock(claim=claim, action="end", expected_version=expected_version)
    return claim_mark_ended(claim=claim, actor=user, reason=reason, message=message)


# --- the reviewer's transitions -----------------------------------------------------------


@retry_on_conflict
@transaction.atomic
def claim_start_review(*, claim: Claim, user, expected_version=None) -> Claim:
    """submitted → under_review. The reviewer takes the claim (if unassigned) and has
    ``SERVICE_DAYS_DECISION`` business days to decide."""
    require_reviewer(user)
    claim = claim_lock(claim=claim, action="start_review", expected_version=expected_version)
    now = clock.now()
    claim.review_started_at = now
    fields = {"review_started_at"} | due_set(claim=claim, kind=DueKind.DECISION, now=now)
    if claim.assignee_id is None:
        claim.assignee = user
        fields.add("assignee")
    claim_transition(claim=claim, action="start_review", actor=user, fields=fields)
    system_comment(claim, "review_started")
    return claim


@retry_on_conflict
@transaction.atomic
def claim_assign(*, claim: Claim, user, assignee, expected_version=None) -> Claim:
    """Assign a claim awaiting Microsoft. Reviewers take claims themselves; only leads
    assign to someone else (or unassign)."""
    require_reviewer(user)
    if assignee != user:
        require_review_lead(user)
    if assignee is not None and not assignee.is_reviewer:
        raise ClaimError(_("Claims can only be assigned to reviewers."))
    claim = claim_lock(claim=claim, action="assign", expected_version=expected_version)
    if claim.assignee_id == getattr(assignee, "pk", None):
        return claim
    before = claim.assignee_id
    claim.assignee = assignee
    claim_save(claim=claim, fields={"assignee"})
    audit_record(
        action="claims.claim.assigned",
        actor=user,
        claim=claim,
        from_status=claim.status,
        to_status=claim.status,
        data={"from": before, "to": getattr(assignee, "pk", None)},
    )
    name = assignee.display_name if assignee else "—"
    system_comment(claim, "assigned", internal=True, data={"assignee": name}, author=user)
    if assignee is not None and assignee != user:
        notify_users(user_ids=[assignee.pk], kind="assigned", claim=claim)
    return claim


def _reviewer_days_left(claim: Claim, now) -> int:
    """The reviewer's remaining business days towards the decision, a started day counting as
    a whole one, at least 1 and at most a full service time (kept while the clock pauses)."""
    full = service_days(DueKind.DECISION, dispute=deciding_a_dispute(claim))
    if claim.due_kind != DueKind.DECISION or not claim.due_at:
        return full
    left = max(0, business_days_between(now, claim.due_at))  # overdue: nothing left
    if business_days_after(now, left) < claim.due_at:
        left += 1
    return min(max(1, left), full)


@retry_on_conflict
@transaction.atomic
def claim_request_info(*, claim: Claim, user, reasons: list[str], message: str, expected_version=None) -> Claim:
    """under_review | disputed → action_required. The partner has ``SERVICE_DAYS_PARTNER_ANSWER``
    business days to answer;
    the reviewer's clock pauses with the business days it had left."""
    require_reviewer(user)
    valid = set(InfoRequestReason.values)
    reasons = [r for r in dict.fromkeys(reasons) if r in valid]
    if not reasons:
        raise ClaimError(REASONS_REQUIRED)
    if not (message or "").strip():
        raise ClaimError(MESSAGE_REQUIRED)
    claim = claim_lock(claim=claim, action="request_info", expected_version=expected_version)
    now = clock.now()
    claim.paused_days = _reviewer_days_left(claim, now)
    fields = {"paused_days"} | due_set(claim=claim, kind=DueKind.PARTNER_RESPONSE, now=now)
    if claim.assignee_id is None:
        claim.assignee = user
        fields.add("assignee")
    claim_transition(
        claim=claim,
        action="request_info",
        actor=user,
        fields=fields,
        reason_code=",".join(reasons),
        data={"reasons": reasons, "from_dispute": claim.status == Status.DISPUTED},
    )
    data = {"reasons": reasons, **service_days_data("info_requested")}
    system_comment(claim, "info_requested", body=message.strip(), data=data, author=user)
    notify_partner(claim=claim, kind="info_requested", data={"reasons": reasons, "due_at": claim.due_at.isoformat()})
    return claim


@retry_on_conflict
@transaction.atomic
def claim_approve(*, claim: Claim, user, message: str = "", expected_version=None) -> Claim:
    """under_review | disputed → approved: the partner owns the key. A claim in an open
    arbitration case is decided by the award instead."""
    require_reviewer(user)
    claim = claim_lock(claim=claim, action="approve", expected_version=expected_version)
    if claim_open_case(claim) is not None:
        raise ClaimError(COMPETES)
    lock_association_key(claim.association_key)
    return claim_mark_approved(claim=claim, actor=user, message=message)


@retry_on_conflict
@transaction.atomic
def claim_reject(*, claim: Claim, user, reason: str, message: str = "", expected_version=None) -> Claim:
    """under_review | disputed → rejected with a coded reason. The partner may dispute within
    30 days (a rejected dispute is final). ``user=SYSTEM`` is the automatic rejection for
    *no partner response* at an action_required deadline (one claim; the sweep rejects many
    at once through ``claims.jobs.unanswered``)."""
    require_actor(user)
    if reason not in RejectionReason.values:
        raise ClaimError(REJECTION_REASON_REQUIRED)
    if is_system(user):
        if reason != RejectionReason.NO_PARTNER_RESPONSE:
            raise NotAllowed()
        action = "reject_unanswered"
    else:
        require_reviewer(user)
        action = "reject"
        if reason == RejectionReason.COMPETING_CLAIM_AWARDED:
            raise ClaimError(_("Competing claims are decided on the arbitration case."))
    claim = claim_lock(claim=claim, action=action, expected_version=expected_version)
    if not is_system(user) and claim_open_case(claim) is not None:
        raise ClaimError(COMPETES)
    return claim_mark_rejected(claim=claim, actor=user, action=action, reason=reason, message=message)


@retry_on_conflict
@transaction.atomic
def claim_revert(*, claim: Claim, user, reason: str, expected_version=None) -> Claim:
    """approved | rejected → under_review: a review lead takes back a mistaken decision. The
    reason is an internal note; the partner is told the decision is being reviewed again."""
    require_review_lead(user)
    if not (reason or "").strip():
        raise ClaimError(REVERT_REASON_REQUIRED)
    claim = claim_lock(claim=claim, action="revert", expected_version=expected_version)
    lock_association_key(claim.association_key)
    previous = claim.status
    fields = decision_clear(claim=claim) | due_set(claim=claim, kind=DueKind.DECISION)
    claim_transition(claim=claim, action="revert", actor=user, fields=fields, data={"reverted": previous})
    system_comment(claim, "reverted")
    system_comment(claim, "reverted_note", body=reason.strip(), internal=True, author=user)
    notify_partner(claim=claim, kind="decision", data={"status": Status.UNDER_REVIEW})
    return claim


# --- comments and PoE ---------------------------------------------------------------------


@retry_on_conflict
@transaction.atomic
def comment_add(*, claim: Claim, user, body: str, internal: bool = False) -> Comment:
    """A comment in the claim's thread. Partners write partner-visible comments on their own
    claims; reviewers write either, and an internal note never notifies a partner."""
    body = (body or "").strip()
    if not body:
        raise ClaimError(COMMENT_REQUIRED)
    if len(body) > MAX_COMMENT_LENGTH:
        raise ClaimError(
            ngettext(
                "A comment can be at most %(n)d character.",
                "A comment can be at most %(n)d characters.",
                MAX_COMMENT_LENGTH,
            )
            % {"n": MAX_COMMENT_LENGTH}
        )
    if getattr(user, "is_reviewer", False):
        side = "reviewer"
    else:
        require_partner_writer(user, claim)
        if internal:
            raise NotAllowed()
        side = "partner"
    claim = Claim.objects.get(pk=claim.pk)  # the rule reads the claim as it is now, not as the caller had it
    if not permitted(claim=claim, action="note" if internal else "comment"):
        raise InvalidTransition(THREAD_CLOSED % {"status": status_in_sentence(claim.status)})
    comment = Comment.objects.create(claim=claim, author=user, body=body, internal=internal)
    audit_record(
        action="claims.comment.added",
        actor=user,
        claim=claim,
        data={"comment": comment.pk, "internal": internal},
    )
    if side == "partner":
        notify_users(user_ids=reviewer_ids(claim), kind="comment", claim=claim)
    elif not internal:
        notify_partner(claim=claim, kind="comment")
    return comment


def partner_lock(partner_id: int) -> None:
    """Lock the partner's row until the transaction ends: what a company holds (its open drafts,
    its PoE storage) is counted and added to one transaction at a time. (SQLite serialises
    writers anyway; there ``select_for_update`` is a no-op.) ``FOR NO KEY UPDATE``: rows that
    merely point at the partner (a claim, a membership) can still be written meanwhile."""
    Partner.objects.select_for_update(no_key=True).filter(pk=partner_id).values_list("pk", flat=True).get()


def poe_storage_used(partner_id: int) -> int:
    """The bytes of PoE the partner's claims hold: every claim's files, drafts, discarded drafts
    and withdrawn claims included (nothing is deleted, so each file still takes its space), and
    the files kept for its users' claim forms (``claims.pending``)."""
    total = PoeFile.objects.filter(claim__partner_id=partner_id).aggregate(total=Sum("size"))["total"]
    kept = PendingUpload.objects.filter(partner_id=partner_id, state=PendingUploadState.KEPT).aggregate(
        total=Sum("size")
    )["total"]
    return (total or 0) + (kept or 0)


def poe_quota_check(*, partner_id: int, adding: int) -> None:
    """``ClaimError`` (code ``quota``) when ``adding`` more bytes would take the partner past
    ``settings.POE_PARTNER_QUOTA_BYTES``. Call it under ``partner_lock``."""
    quota = settings.POE_PARTNER_QUOTA_BYTES
    used = poe_storage_used(partner_id)
    if used + adding > quota:
        raise ClaimError(
            _(
                "Your company has used %(used)s of its %(quota)s storage for PoE; these files (%(size)s) would "
                "exceed it. Files on discarded drafts and withdrawn claims are kept, so they count too. Contact "
                "support to raise the limit."
            )
            % {"used": filesizeformat(used), "quota": filesizeformat(quota), "size": filesizeformat(adding)},
            code="quota",
        )


@transaction.atomic
def poe_attach_many(*, claim: Claim, user, uploads) -> list[PoeFile]:
    """Store one request's checked PoE files (``claims.uploads.check_uploads``): every one of
    them or none. With the claim's row locked it checks the status and the claim's file count,
    with the partner's row locked the company's storage quota, each for the whole batch; then it
    stores each file (the upload's temporary file is moved into place; a file kept for the claim
    form is already in the storage and recorded where it is) and writes its row. When anything
    fails, the files written so far are deleted again and the rows roll back with the
    transaction. (A caller's enclosing transaction that rolls back later must delete the
    files it wrote itself.) Not retried on a deadlock (``lib.retry``): it moves upload files."""
    require_partner_writer(user, claim)
    uploads = list(uploads)
    if not uploads:
        return []
    claim = claim_lock(claim=claim, action="add_poe")  # the table's rule, dispute window included
    too_many = too_many_files(claim.poe_files.count(), len(uploads))
    if too_many is not None:
        raise ClaimError(too_many, code="too_many")
    partner_lock(claim.partner_id)
    poe_quota_check(partner_id=claim.partner_id, adding=sum(upload.size for upload in uploads))
    stored, written = [], []
    try:
        for upload in uploads:
            poe = PoeFile(
                claim=claim,
                original_name=upload.name,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                uploaded_by=user,
            )
            if upload.stored_name:  # already in the PoE storage (a kept file): recorded where it is
                poe.file.name = upload.stored_name
            else:
                poe.file.save(upload.name, upload.file, save=False)  # a failed write leaves no file (lib.storage)
                written.append(poe)
            stored.append(poe)
            poe.save()
            audit_record(
                action="claims.poe.added",
                actor=user,
                claim=claim,
                data={"poe": poe.pk, "sha256": poe.sha256, "size": poe.size, "type": poe.content_type},
            )
        claim_save(claim=claim, fields=set())
        if claim.status != Status.EDITING:
            for poe in stored:
                system_comment(claim, "poe_added", data={"name": poe.original_name}, author=user)
            notify_users(user_ids=reviewer_ids(claim), kind="poe_added", claim=claim)  # one per request
    except BaseException:
        for poe in written:  # no stored file without its row (a kept file stays kept)
            poe.file.storage.delete(poe.file.name)
        raise
    return stored


def poe_attach(*, claim: Claim, user, name: str, file, content_type: str, size=None, sha256=None) -> PoeFile:
    """Store one already-checked PoE file (a file object; ``claims.uploads`` checks type and
    size first): ``poe_attach_many`` with one file. ``size`` and ``sha256`` are read from the
    file in chunks when not given."""
    if size is None or sha256 is None:
        size, sha256 = file_digest(file)
    upload = CheckedUpload(name=name, file=file, size=size, sha256=sha256, kind="", content_type=content_type)
    return poe_attach_many(claim=claim, user=user, uploads=[upload])[0]

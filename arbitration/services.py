"""Arbitration of competing claims: awarding the key, reopening, assigning, asking for more.

The rules (docs/product.md, "Competing claims and arbitration"): a claim by another partner
for a key that is owned (approved) or pursued (open claim) opens or joins the key's one open
case (``arbitration.membership``, inside the claim's submission); the incumbent's approval
stays valid until the award; the award approves the winner, rejects the other open claims
with *competing claim awarded to another partner* and ends a losing incumbent, all in one
transaction under the key's lock, so there is never a second owner (the database's
``claim_one_owner_per_key`` constraint holds it too).
"""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from arbitration.models import ArbitrationCase, CaseClaim, CaseStatus
from audit.services import audit_record
from claims.access import require_review_lead, require_reviewer
from claims.errors import ClaimChanged, ClaimError, InvalidTransition
from claims.models import Claim, DueKind, EndReason, InfoRequestReason, RejectionReason
from claims.services import (
    MESSAGE_REQUIRED,
    REASONS_REQUIRED,
    claim_assign,
    claim_request_info,
    claim_start_review,
)
from claims.states import ACTIVE_STATUSES, DECIDING_STATUSES, OPEN_STATUSES, Status, allowed
from claims.transitions import (
    claim_mark_approved,
    claim_mark_ended,
    claim_mark_rejected,
    claim_save,
    claim_transition,
    decision_clear,
    due_set,
    system_comment,
)
from lib import clock
from lib.locks import lock_association_key
from notifications.services import notify_partner

CASE_CHANGED = _("This case changed while you were working on it. Reload to see the latest version.")
PARTNERS_REQUIRED = _("Choose the partners to ask.")
AWARD_REASON_REQUIRED = _("Say why this claim wins.")
REOPEN_REASON_REQUIRED = _("Say why the case is reopened.")
CASE_STATUS_ERRORS = {
    CaseStatus.OPEN: _("This case has already been decided."),
    CaseStatus.DECIDED: _("Only a decided case can be reopened."),
}


def case_lock(*, case: ArbitrationCase, expected_version=None, status=CaseStatus.OPEN, changed=CASE_CHANGED):
    """The case re-read under its key's lock and its row lock (the key first, as a competing
    submission takes them), refused when the reviewer's form was drawn from another version
    (``changed`` is the message; ``None`` for the generic one) or the case is not ``status``."""
    lock_association_key(case.association_key)
    locked = ArbitrationCase.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise ClaimChanged(changed)
    if locked.status != status:
        raise InvalidTransition(CASE_STATUS_ERRORS[status])
    return locked


def _check_claim_versions(claims, expected_claim_versions) -> None:
    """Refuse a form drawn before any of the case's claims changed, or before another claim
    joined the case: the reviewer must decide on what the screen showed."""
    if expected_claim_versions is None:
        return
    expected = {int(pk): int(version) for pk, version in dict(expected_claim_versions).items()}
    if {c.pk: c.version for c in claims} != expected:
        raise ClaimChanged(CASE_CHANGED)


@transaction.atomic
def arbitration_award(
    *,
    case: ArbitrationCase,
    user,
    winner: Claim,
    reason: str,
    expected_version=None,
    expected_claim_versions=None,
):
    """Award the key to ``winner``: approve it, reject every other open claim of the case with
    *competing claim awarded to another partner*, end a losing incumbent. One transaction,
    the case and every claim locked; a concurrent award finds the case decided. With
    ``expected_claim_versions`` ({claim pk: version} as the reviewer saw them) an award is
    refused when a claim changed or joined the case meanwhile."""
    require_reviewer(user)
    if not (reason or "").strip():
        raise ClaimError(AWARD_REASON_REQUIRED)
    case = case_lock(case=case, expected_version=expected_version)
    claims = list(Claim.objects.select_for_update().filter(case_links__case=case).order_by("pk"))
    _check_claim_versions(claims, expected_claim_versions)
    by_pk = {c.pk: c for c in claims}
    chosen = by_pk.get(winner.pk)
    if chosen is None or not allowed("award_win", chosen.status):
        raise ClaimError(_("The winning claim must be one of the case's open claims or its incumbent."))
    data = {"case": case.pk}
    # End or reject the others first, so the winner's approval never meets a second owner.
    for claim in claims:
        if claim.pk == chosen.pk:
            continue
        if allowed("award_displace", claim.status):
            ended = EndReason.DISPLACED_BY_COMPETING_CLAIM
            claim_mark_ended(claim=claim, actor=user, action="award_displace", reason=ended, data=data)
        elif allowed("award_lose", claim.status):
            lost = RejectionReason.COMPETING_CLAIM_AWARDED
            claim_mark_rejected(claim=claim, actor=user, action="award_lose", reason=lost, data=data)
    if chosen.status != Status.APPROVED:
        claim_mark_approved(claim=chosen, actor=user, action="award_win", data=data)
    case.status = CaseStatus.DECIDED
    case.winner = chosen
    case.decided_at = clock.now()
    case.decided_by = user
    case.decision_reason = reason.strip()
    case.version = F("version") + 1
    case.save(update_fields=["status", "winner", "decided_at", "decided_by", "decision_reason", "version"])
    case.refresh_from_db(fields=["version"])
    Claim.objects.filter(pk__in=by_pk).update(is_competing=False)
    audit_record(
        action="arbitration.case.awarded",
        actor=user,
        case=case,
        claim=chosen,
        data={"winner": chosen.pk, "participants": sorted(by_pk)},
    )
    return case


@transaction.atomic
def arbitration_reopen(*, case: ArbitrationCase, user, reason: str, expected_version=None):
    """A lead reopens a decided case: the winner stays approved (as incumbent); the claims
    rejected by the award, and an incumbent the award displaced, go back under review as
    challengers (unless their company has claimed the key again meanwhile). Their partners
    are told that the review was reopened."""
    require_review_lead(user)
    if not (reason or "").strip():
        raise ClaimError(REOPEN_REASON_REQUIRED)
    case = case_lock(case=case, expected_version=expected_version, status=CaseStatus.DECIDED, changed=None)
    if ArbitrationCase.objects.filter(association_key=case.association_key, status=CaseStatus.OPEN).exists():
        raise ClaimError(_("Another case for this key is open; work on that one."))
    losers = list(
        Claim.objects.select_for_update()
        .filter(case_links__case=case, status=Status.REJECTED, decision_reason=RejectionReason.COMPETING_CLAIM_AWARDED)
        .order_by("pk")
    )
    # An incumbent displaced by the award was ended, not rejected: it comes back as a challenger.
    displaced = [
        claim
        for claim in Claim.objects.select_for_update()
        .filter(case_links__case=case, status=Status.ENDED, end_reason=EndReason.DISPLACED_BY_COMPETING_CLAIM)
        .order_by("pk")
        if not Claim.objects.filter(
            partner_id=claim.partner_id, association_key=claim.association_key, status__in=ACTIVE_STATUSES
        ).exists()
    ]
    for claim in losers + displaced:
        claim.is_competing = True
        fields = decision_clear(claim=claim) | {"is_competing"}
        if claim.status == Status.ENDED:
            claim.ended_at, claim.end_reason, claim.end_message = None, "", ""
            fields |= {"ended_at", "end_reason", "end_message"}
        fields |= due_set(claim=claim, kind=DueKind.DECISION)
        claim_transition(claim=claim, action="case_reopen", actor=user, fields=fields, data={"case": case.pk})
        system_comment(claim, "case_reopened")
        notify_partner(claim=claim, kind="decision", data={"status": Status.UNDER_REVIEW})
    CaseClaim.objects.filter(case=case).update(is_incumbent=False)
    if case.winner_id:
        CaseClaim.objects.filter(case=case, claim_id=case.winner_id).update(is_incumbent=True)
        Claim.objects.filter(pk=case.winner_id).update(is_competing=True)
    case.status = CaseStatus.OPEN
    case.decided_at = None
    case.decided_by = None
    case.version = F("version") + 1
    case.save(update_fields=["status", "decided_at", "decided_by", "version"])
    case.refresh_from_db(fields=["version"])
    audit_record(action="arbitration.case.reopened", actor=user, case=case, data={"reason": reason.strip()})
    return case


def _bump(case: ArbitrationCase, fields=()) -> None:
    """A new case version (forms carry it), with ``fields`` saved alongside."""
    case.version = F("version") + 1
    case.save(update_fields=["version", *fields])
    case.refresh_from_db(fields=["version"])


@transaction.atomic
def arbitration_assign(*, case: ArbitrationCase, user, assignee, expected_version=None) -> ArbitrationCase:
    """Reviewers take an open case; only leads give it to another reviewer (or to nobody).
    The case's claims awaiting a decision follow the case, so a partner's answer or new PoE
    notifies the reviewer who decides."""
    require_reviewer(user)
    if assignee != user:
        require_review_lead(user)
    if assignee is not None and not assignee.is_reviewer:
        raise ClaimError(_("Cases can only be assigned to reviewers."))
    case = case_lock(case=case, expected_version=expected_version)
    if case.assignee_id == getattr(assignee, "pk", None):
        return case
    before = case.assignee_id
    case.assignee = assignee
    _bump(case, ["assignee"])
    claims = Claim.objects.filter(case_links__case=case, status__in=OPEN_STATUSES).exclude(assignee=assignee)
    for claim in claims.order_by("pk"):
        claim_assign(claim=claim, user=user, assignee=assignee)
    audit_record(
        action="arbitration.case.assigned",
        actor=user,
        case=case,
        data={"from": before, "to": getattr(assignee, "pk", None)},
    )
    return case


@transaction.atomic
def arbitration_request_info(
    *,
    case: ArbitrationCase,
    user,
    claim_ids,
    reasons: list[str],
    message: str,
    expected_version=None,
    expected_claim_versions=None,
) -> ArbitrationCase:
    """Ask one, several or all partners of an open case for more information.

    Each selected claim awaiting a decision goes to *partner action required* through
    ``claim_request_info`` (its review is started first if it is still submitted): its
    partner has the usual 5 business days, reads the request in its own claim's comments and
    is the only one notified. An approved incumbent cannot wait on the partner; it gets the
    request as a partner-visible system comment and a notification, and keeps its approval.
    All or nothing: when one selected claim is refused (changed, already waiting on its
    partner), no request is sent."""
    require_reviewer(user)
    valid = set(InfoRequestReason.values)
    reasons = [r for r in dict.fromkeys(reasons or []) if r in valid]
    if not reasons:
        raise ClaimError(REASONS_REQUIRED)
    message = (message or "").strip()
    if not message:
        raise ClaimError(MESSAGE_REQUIRED)
    ids = sorted({int(pk) for pk in claim_ids or []})
    if not ids:
        raise ClaimError(PARTNERS_REQUIRED)
    case = case_lock(case=case, expected_version=expected_version)
    members = {c.pk: c for c in Claim.objects.select_for_update().filter(case_links__case=case, pk__in=ids)}
    if set(members) != set(ids):
        raise ClaimError(_("Ask only partners whose claims are in this case."))
    expected = {int(k): int(v) for k, v in dict(expected_claim_versions or {}).items()}
    for pk in ids:
        claim = members[pk]
        if pk in expected and claim.version != expected[pk]:
            raise ClaimChanged(CASE_CHANGED)
        if claim.status == Status.SUBMITTED:
            claim = claim_start_review(claim=claim, user=user)
        if claim.status in DECIDING_STATUSES:
            claim_request_info(claim=claim, user=user, reasons=reasons, message=message)
        elif claim.status == Status.APPROVED:
            claim_save(claim=claim, fields=set())  # a form's version check sees that something happened
            system_comment(claim, "info_requested", body=message, data={"reasons": reasons}, author=user)
            audit_record(
                action="arbitration.case.info_requested",
                actor=user,
                case=case,
                claim=claim,
                from_status=claim.status,
                to_status=claim.status,
                reason_code=",".join(reasons),
                data={"reasons": reasons, "incumbent": True},
            )
            notify_partner(claim=claim, kind="info_requested", data={"reasons": reasons, "incumbent": True})
        elif claim.status == Status.ACTION_REQUIRED:
            raise ClaimError(
                _("%(ref)s is already waiting for its partner's answer; no request was sent.") % {"ref": claim}
            )
        else:
            raise InvalidTransition(
                _("%(ref)s is “%(status)s”: no request was sent.")
                % {"ref": claim, "status": claim.get_status_display()}
            )
    _bump(case)
    audit_record(
        action="arbitration.case.info_requested",
        actor=user,
        case=case,
        data={"claims": ids, "reasons": reasons},
    )
    return case

"""Arbitration of competing claims: opening/joining a case, awarding the key, reopening.

The rules (DESIGN.md "Competing claims and arbitration"): a claim by another partner for a
key that is owned (approved) or pursued (open claim) opens or joins the key's one open case;
the incumbent's approval stays valid until the award; the award approves the winner,
rejects the other open claims with *competing claim awarded to another partner* and ends a
losing incumbent, all in one transaction under the key's lock, so there is never a second
owner (the database's ``claim_one_owner_per_key`` constraint holds it too).
"""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from arbitration.models import ArbitrationCase, CaseClaim, CaseStatus
from audit.services import audit_record
from claims.errors import ClaimChanged, ClaimError, InvalidTransition
from claims.models import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    Claim,
    EndReason,
    InfoRequestReason,
    RejectionReason,
    Status,
)
from claims.services import (
    _approve_locked,
    _end_locked,
    _reject_locked,
    _save,
    _set_due,
    _transition,
    claim_assign,
    claim_request_info,
    claim_start_review,
    require_review_lead,
    require_reviewer,
    system_comment,
)
from lib import clock
from lib.locks import lock_association_key
from notifications.services import notify_partner


def _competing_comment(claim: Claim) -> None:
    code = "competing_incumbent" if claim.status == Status.APPROVED else "competing"
    system_comment(claim, code)


def arbitration_join_or_open(*, claim: Claim, actor) -> ArbitrationCase:
    """Put a just-submitted competing claim into its key's open case, opening one with every
    other claim that holds or pursues the key. Runs inside claim_submit's transaction, under
    the key's lock."""
    lock_association_key(claim.association_key)
    case = (
        ArbitrationCase.objects.select_for_update()
        .filter(association_key=claim.association_key, status=CaseStatus.OPEN)
        .first()
    )
    created = case is None
    if created:
        case = ArbitrationCase.objects.create(
            association_key=claim.association_key,
            tenant_id=claim.tenant_id,
            product=claim.products.order_by("pk").first(),
            subscription_id=claim.subscription_id,
            activity=claim.activity,
        )
        audit_record(action="arbitration.case.opened", actor=actor, case=case, data={"key": case.association_key})
    members = set(case.participants.values_list("claim_id", flat=True))
    holders = (
        Claim.objects.select_for_update()
        .filter(association_key=claim.association_key, status__in=ACTIVE_STATUSES)
        .order_by("pk")
    )
    for holder in holders:
        if holder.pk in members:
            continue
        CaseClaim.objects.create(case=case, claim=holder, is_incumbent=holder.status == Status.APPROVED)
        if not holder.is_competing:
            holder.is_competing = True
            _save(holder, {"is_competing"})
        _competing_comment(holder)
        audit_record(
            action="arbitration.case.joined",
            actor=actor,
            case=case,
            claim=holder,
            from_status=holder.status,
            to_status=holder.status,
        )
    return case


def arbitration_claim_left(*, claim: Claim, actor) -> None:
    """A claim left its open case (withdrawn). When no challenger is left, the case closes:
    the incumbent, if any, keeps the key."""
    link = claim.case_links.select_related("case").filter(case__status=CaseStatus.OPEN).first()
    if link is None:
        return
    case = ArbitrationCase.objects.select_for_update().get(pk=link.case_id)
    statuses = list(Claim.objects.filter(case_links__case=case).values_list("status", flat=True))
    open_count = sum(1 for s in statuses if s in OPEN_STATUSES)
    has_incumbent = Status.APPROVED in statuses
    if open_count == 0 or (open_count == 1 and not has_incumbent):
        case.status = CaseStatus.DECIDED
        case.decided_at = clock.now()
        case.decision_reason = str(_("Closed: no competing claims left."))
        case.version += 1
        case.save(update_fields=["status", "decided_at", "decision_reason", "version"])
        Claim.objects.filter(case_links__case=case, status__in=OPEN_STATUSES).update(is_competing=False)
        audit_record(action="arbitration.case.closed", actor=actor, case=case, data={"reason": "no_challenger"})


CASE_CHANGED = _("This case changed while you were working on it. Reload to see the latest version.")


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
        raise ClaimError(_("Say why this claim wins."))
    lock_association_key(case.association_key)
    case = ArbitrationCase.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and case.version != int(expected_version):
        raise ClaimChanged(CASE_CHANGED)
    if case.status != CaseStatus.OPEN:
        raise InvalidTransition(_("This case has already been decided."))
    claims = list(Claim.objects.select_for_update().filter(case_links__case=case).order_by("pk"))
    _check_claim_versions(claims, expected_claim_versions)
    by_pk = {c.pk: c for c in claims}
    chosen = by_pk.get(winner.pk)
    if chosen is None or chosen.status not in (*OPEN_STATUSES, Status.APPROVED):
        raise ClaimError(_("The winning claim must be one of the case's open claims or its incumbent."))
    data = {"case": case.pk}
    # End or reject the others first, so the winner's approval never meets a second owner.
    for claim in claims:
        if claim.pk == chosen.pk:
            continue
        if claim.status == Status.APPROVED:
            _end_locked(claim, actor=user, reason=EndReason.DISPLACED_BY_COMPETING_CLAIM, data=data)
        elif claim.status in OPEN_STATUSES:
            _reject_locked(claim, actor=user, reason=RejectionReason.COMPETING_CLAIM_AWARDED, data=data)
    if chosen.status != Status.APPROVED:
        _approve_locked(chosen, actor=user, message="", data=data)
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
        raise ClaimError(_("Say why the case is reopened."))
    lock_association_key(case.association_key)
    case = ArbitrationCase.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and case.version != int(expected_version):
        raise ClaimChanged()
    if case.status != CaseStatus.DECIDED:
        raise InvalidTransition(_("Only a decided case can be reopened."))
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
        claim.decided_at = None
        claim.decision_reason = ""
        claim.decision_message = ""
        claim.dispute_until = None
        claim.is_competing = True
        fields = {"decided_at", "decision_reason", "decision_message", "dispute_until", "is_competing"}
        if claim.status == Status.ENDED:
            claim.ended_at, claim.end_reason, claim.end_message = None, "", ""
            fields |= {"ended_at", "end_reason", "end_message"}
        fields |= _set_due(claim, "decision")
        _transition(claim, Status.UNDER_REVIEW, actor=user, action="reverted", fields=fields, data={"case": case.pk})
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


def _lock_open_case(case: ArbitrationCase, expected_version=None) -> ArbitrationCase:
    lock_association_key(case.association_key)
    case = ArbitrationCase.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and case.version != int(expected_version):
        raise ClaimChanged(CASE_CHANGED)
    if case.status != CaseStatus.OPEN:
        raise InvalidTransition(_("This case has already been decided."))
    return case


def _bump(case: ArbitrationCase, fields=()) -> None:
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
    case = _lock_open_case(case, expected_version)
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
        raise ClaimError(_("Choose at least one reason for the request."))
    message = (message or "").strip()
    if not message:
        raise ClaimError(_("Write a message that tells the partner what to provide."))
    ids = sorted({int(pk) for pk in claim_ids or []})
    if not ids:
        raise ClaimError(_("Choose the partners to ask."))
    case = _lock_open_case(case, expected_version)
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
        if claim.status in (Status.UNDER_REVIEW, Status.DISPUTED):
            claim_request_info(claim=claim, user=user, reasons=reasons, message=message)
        elif claim.status == Status.APPROVED:
            _save(claim, set())  # a forms' version check sees that something happened
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

"""Arbitration of competing claims: awarding the key, reopening, assigning, asking for more.

The rules (docs/product.md, "Competing claims and arbitration"): a claim by another partner
for a key that is owned (approved) or pursued (open claim) opens or joins the key's one open
case (``arbitration.membership``, inside the claim's submission); the incumbent's approval
stays valid until the award; the award approves the winner, rejects the other open claims
with *competing claim awarded to another partner* and ends a losing incumbent, all in one
transaction under the key's lock, so there is never a second owner (the database's
``claim_one_owner_per_key`` constraint holds it too). The winner is told that it won, the
others what happened to their own claim; nobody learns who the other partners are.

An approved incumbent asked for information keeps its approval: the request waits on its
``CaseClaim`` (``info_requested_at`` … ``info_answered_at``) with a five-business-day answer
date, and no automatic rejection. While any party of the case still owes an answer (that
request, or a challenger in *partner action required*) an award needs the reviewer's explicit
"decide without waiting".
"""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from arbitration.models import ArbitrationCase, CaseClaim, CaseStatus
from arbitration.selectors import awaits_answer
from audit.services import audit_record
from claims.access import require_partner_writer, require_review_lead, require_reviewer
from claims.errors import ClaimChanged, ClaimError, InvalidTransition
from claims.models import Claim, DueKind, EndReason, InfoRequestReason, RejectionReason
from claims.services import (
    MESSAGE_REQUIRED,
    REASONS_REQUIRED,
    claim_assign,
    claim_request_info,
    claim_start_review,
)
from claims.sla import service_days
from claims.states import ACTIVE_STATUSES, DECIDING_STATUSES, OPEN_STATUSES, Status, allowed, status_in_sentence
from claims.transitions import (
    claim_lock,
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
from lib.business_days import business_days_after
from lib.locks import lock_association_key
from lib.retry import retry_on_conflict
from notifications.services import notify_partner, notify_users

CASE_CHANGED = _("This case changed while you were working on it. Reload to see the latest version.")
PARTNERS_REQUIRED = _("Choose the partners to ask.")
AWARD_REASON_REQUIRED = _("Say why this claim wins.")
REOPEN_REASON_REQUIRED = _("Say why the case is reopened.")
ALREADY_WAITING = _("%(ref)s is already waiting for its partner's answer; no request was sent.")
ANSWER_REQUIRED = _("Write your answer to Microsoft's request before you send it.")
NO_OPEN_REQUEST = _("Microsoft is not waiting for an answer on this claim any more.")
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


@retry_on_conflict
@transaction.atomic
def arbitration_award(
    *,
    case: ArbitrationCase,
    user,
    winner: Claim,
    reason: str,
    expected_version=None,
    expected_claim_versions=None,
    despite_waiting: bool = False,
):
    """Award the key to ``winner``: approve it, reject every other open claim of the case with
    *competing claim awarded to another partner*, end a losing incumbent. One transaction,
    the case and every claim locked; a concurrent award finds the case decided. With
    ``expected_claim_versions`` ({claim pk: version} as the reviewer saw them) an award is
    refused when a claim changed or joined the case meanwhile. While a party still owes an
    answer to a request (``awaits_answer``) the award is refused (code ``awaiting_answers``)
    unless the reviewer decides ``despite_waiting``. The winner gets a system comment and a
    notification saying it won; neither names another partner."""
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
    links = {link.claim_id: link for link in CaseClaim.objects.select_for_update().filter(case=case)}
    waiting = [c for c in claims if awaits_answer(c, request_open=links[c.pk].info_request_open)]
    if waiting and not despite_waiting:
        refs = ", ".join(str(c) for c in waiting)
        raise ClaimError(
            ngettext(
                "%(refs)s is still waiting for its partner's answer. Wait for it, or confirm that you decide "
                "without it.",
                "%(refs)s are still waiting for their partners' answers. Wait for them, or confirm that you decide "
                "without them.",
                len(waiting),
            )
            % {"refs": refs},
            code="awaiting_answers",
        )
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
    was_incumbent = chosen.status == Status.APPROVED
    if was_incumbent:
        claim_save(claim=chosen, fields=set())  # its page's forms see that something happened
    else:
        claim_mark_approved(claim=chosen, actor=user, action="award_win", data=data, announce=False)
    system_comment(chosen, "case_won_incumbent" if was_incumbent else "case_won", author=user)
    won = {"status": Status.APPROVED, "case_won": True, "incumbent": was_incumbent}
    notify_partner(claim=chosen, kind="decision", data=won)
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
        data={
            "winner": chosen.pk,
            "participants": sorted(by_pk),
            **({"despite_waiting": [c.pk for c in waiting]} if waiting else {}),
        },
    )
    return case


@retry_on_conflict
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
    # A request of the earlier round was for the earlier decision: the reopened case starts clean.
    CaseClaim.objects.filter(case=case).update(
        is_incumbent=False, info_requested_at=None, info_requested_by=None, info_due_at=None, info_answered_at=None
    )
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


@retry_on_conflict
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


@retry_on_conflict
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
    partner has the usual ``SERVICE_DAYS_PARTNER_ANSWER``, reads the request in its own claim's comments and
    is the only one notified. An approved incumbent keeps its approval (it is at stake only in
    the award): the request waits on its case link with an answer date as many business days on,
    reaches its partner as a system comment and a notification, and is answered with
    ``arbitration_answer``; nothing is rejected when the date passes. All or nothing: when one
    selected claim is refused (changed, already waiting on its partner), no request is sent."""
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
    links = {link.claim_id: link for link in CaseClaim.objects.select_for_update().filter(case=case, claim_id__in=ids)}
    now = clock.now()
    expected = {int(k): int(v) for k, v in dict(expected_claim_versions or {}).items()}
    for pk in ids:
        claim = members[pk]
        if pk in expected and claim.version != expected[pk]:
            raise ClaimChanged(CASE_CHANGED)
        if claim.status == Status.SUBMITTED:
            claim = claim_start_review(claim=claim, user=user)
        if claim.status in DECIDING_STATUSES:
            claim_request_info(claim=claim, user=user, reasons=reasons, message=message)
        elif allowed("case_ask_incumbent", claim.status):
            link = links[pk]
            if link.info_request_open:
                raise ClaimError(ALREADY_WAITING % {"ref": claim})
            link.info_requested_at, link.info_requested_by, link.info_answered_at = now, user, None
            link.info_due_at = business_days_after(now, service_days(DueKind.PARTNER_RESPONSE))
            link.save(update_fields=["info_requested_at", "info_requested_by", "info_due_at", "info_answered_at"])
            claim_save(claim=claim, fields=set())  # a form's version check sees that something happened
            system_comment(claim, "case_info_requested", body=message, data={"reasons": reasons}, author=user)
            due = {"reasons": reasons, "incumbent": True, "due_at": link.info_due_at.isoformat()}
            audit_record(
                action="arbitration.case.info_requested",
                actor=user,
                case=case,
                claim=claim,
                from_status=claim.status,
                to_status=claim.status,
                reason_code=",".join(reasons),
                data=due,
            )
            notify_partner(claim=claim, kind="info_requested", data=due)
        elif allowed("resubmit", claim.status):  # waiting on its partner already
            raise ClaimError(ALREADY_WAITING % {"ref": claim})
        else:
            raise InvalidTransition(
                _("%(ref)s is “%(status)s”: no request was sent.")
                % {"ref": claim, "status": status_in_sentence(claim.status)}
            )
    _bump(case)
    audit_record(
        action="arbitration.case.info_requested",
        actor=user,
        case=case,
        data={"claims": ids, "reasons": reasons},
    )
    return case


@retry_on_conflict
@transaction.atomic
def arbitration_answer(*, claim: Claim, user, message: str, expected_version=None) -> Claim:
    """The partner of an approved incumbent answers the information request of its open case
    (new PoE comes separately, through ``poe_attach_many``, before this). The claim stays
    approved; the answer is a system comment in its thread, the request is closed, and the
    reviewer who decides (the case's assignee, else the one who asked) is notified. Locks in
    the award's order (key, case, claim), so an answer and an award never cross."""
    require_partner_writer(user, claim)
    message = (message or "").strip()
    if not message:
        raise ClaimError(ANSWER_REQUIRED)
    link = claim.case_links.filter(case__status=CaseStatus.OPEN).select_related("case").first()
    if link is None or not link.info_request_open:
        raise InvalidTransition(NO_OPEN_REQUEST)
    try:
        case = case_lock(case=link.case)
    except InvalidTransition:  # decided meanwhile
        raise InvalidTransition(NO_OPEN_REQUEST)
    link = CaseClaim.objects.select_for_update().get(pk=link.pk)
    if not link.info_request_open:  # a colleague answered meanwhile
        raise InvalidTransition(NO_OPEN_REQUEST)
    claim = claim_lock(claim=claim, action="case_answer", expected_version=expected_version)
    claim_save(claim=claim, fields=set())
    link.info_answered_at = clock.now()
    link.save(update_fields=["info_answered_at"])
    system_comment(claim, "case_info_answered", body=message, author=user)
    audit_record(
        action="arbitration.case.info_answered",
        actor=user,
        case=case,
        claim=claim,
        from_status=claim.status,
        to_status=claim.status,
    )
    _bump(case)
    reviewer = case.assignee_id or link.info_requested_by_id
    notify_users(user_ids=[reviewer] if reviewer else [], kind="partner_responded", claim=claim)
    return claim

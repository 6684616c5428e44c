"""A competing claim joins its key's arbitration case, or leaves it.

These run inside a claim use case's transaction (``claims.services.claim_submit`` and
``claim_withdraw``), below it: the claim services call them, and they use only the claim
primitives (``claims.transitions``), never a claim use case. The rules are in
docs/product.md, "Competing claims and arbitration".
"""

from django.utils.translation import gettext_lazy as _

from arbitration.models import ArbitrationCase, CaseClaim, CaseStatus
from audit.services import audit_record
from claims.messages import service_days_data
from claims.models import Claim
from claims.states import ACTIVE_STATUSES, OPEN_STATUSES, Status
from claims.transitions import claim_save, system_comment
from lib import clock
from lib.locks import lock_association_key


def competing_comment(claim: Claim) -> None:
    """Tell the claim's partner (without naming the competitor) that its claim competes."""
    code = "competing_incumbent" if claim.status == Status.APPROVED else "competing"
    system_comment(claim, code, data=service_days_data(code))


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
    if case is None:
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
            claim_save(claim=holder, fields={"is_competing"})
        competing_comment(holder)
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

"""The customer's consent, as a use case: the customer's decisions through the link, a
reviewer's resend, an operator's note that an e-mail bounced (docs/consent.md).

Each runs in one transaction with its audit event. A decline changes the claim through the
lifecycle's own steps (``claims.transitions``): before a decision the claim is rejected with
*customer declined* (the table's ``customer_decline``), after an approval, within its window,
the association ends with that reason (``end``, by the system). Either posts the partner-visible
system comment and notifies the partner (the steps do that) and the claim's assignee; a
competing claim leaves its arbitration case. Lock order as everywhere: the association key,
the claim, then the consent row.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from arbitration.membership import arbitration_claim_left
from audit.services import audit_record
from claims.access import require_reviewer
from claims.errors import ClaimError, InvalidTransition
from claims.models import EndReason, RejectionReason
from claims.states import Status
from claims.transitions import (
    claim_lock,
    claim_mark_ended,
    claim_mark_rejected,
    claim_save,
    reviewer_ids,
)
from consent.errors import ConsentLinkInvalid
from consent.models import ConsentRequest, Decision, EmailState, Occasion
from consent.requests import consent_current, consent_request_open
from consent.selectors import consent_for_token, link_usable, resend_refusal
from lib import clock
from lib.actors import SYSTEM
from lib.retry import retry_on_conflict
from notifications.services import notify_users

MAX_REASON_LENGTH = 2000
CHOOSE = _("Choose Confirm or Decline.")
RESEND_REFUSALS = {
    "no_address": _("The claim has no customer e-mail address. Ask the partner to add it, then send the link again."),
    "declined": _("The customer has declined this claim; there is nothing to ask again."),
    "final": _("The approval is final: the customer can no longer decline it."),
    "status": _("The customer's consent no longer matters for a claim in this status."),
}


@retry_on_conflict
@transaction.atomic
def consent_decide(
    *, token: str, decision: str, reason: str = "", reason_private: bool = False, address: str = "", language: str = ""
) -> ConsentRequest:
    """The customer's decision through the link ``token`` (no account: the link is the
    credential). A link records each decision once: the customer may confirm, and may decline
    (also after confirming); a decline is final and spends the link. Anything wrong with the
    link (``consent.selectors.consent_for_token``), or a decision it already recorded, is
    ``ConsentLinkInvalid`` and changes nothing. The decision keeps its time and the address it
    came from (``address``), and ``language``, the page's, for the next e-mail to this customer."""
    if decision not in Decision.values:
        raise ClaimError(CHOOSE)
    found = consent_for_token(token)
    if found is None:
        raise ConsentLinkInvalid()
    claim = found.claim
    action = ""
    if decision == Decision.DECLINED:
        action = "end" if claim.status == Status.APPROVED else "customer_decline"
        try:
            claim = claim_lock(claim=claim, action=action)
        except InvalidTransition:  # decided meanwhile: nothing left to decline
            raise ConsentLinkInvalid() from None
    row = ConsentRequest.objects.select_for_update().get(pk=found.pk)
    now = clock.now()
    if not link_usable(row, claim=claim, now=now) or (decision == Decision.CONFIRMED and row.confirmed_at):
        raise ConsentLinkInvalid()
    address = address or None
    reason = (reason or "").strip()[:MAX_REASON_LENGTH] if decision == Decision.DECLINED else ""
    row.decision = decision
    row.customer_language = language if language else row.customer_language
    if decision == Decision.CONFIRMED:
        row.confirmed_at, row.confirmed_from = now, address
        fields = ["decision", "confirmed_at", "confirmed_from", "customer_language"]
    else:
        row.declined_at, row.declined_from = now, address
        row.reason, row.reason_private = reason, bool(reason_private and reason)
        fields = ["decision", "declined_at", "declined_from", "reason", "reason_private", "customer_language"]
    row.save(update_fields=fields)
    audit_record(
        action=f"consent.request.{decision}",
        claim=claim,
        data={
            "request": row.pk,
            "address": address or "",
            "at": now.isoformat(),
            **({"reason": reason, "reason_private": row.reason_private} if decision == Decision.DECLINED else {}),
        },
        at=now,
    )
    if decision == Decision.DECLINED:
        _decline_claim(claim=claim, action=action, row=row)
    return row


def _decline_claim(*, claim, action: str, row: ConsentRequest) -> None:
    # The partner reads the customer's reason in the decision unless the customer kept it private.
    message = "" if row.reason_private else row.reason
    data = {"consent": row.pk}
    if action == "end":
        claim_mark_ended(claim=claim, actor=SYSTEM, reason=EndReason.CUSTOMER_DECLINED, message=message, data=data)
    else:
        claim_mark_rejected(
            claim=claim,
            actor=SYSTEM,
            action=action,
            reason=RejectionReason.CUSTOMER_DECLINED,
            message=message,
            data=data,
        )
    arbitration_claim_left(claim=claim, actor=SYSTEM)
    notify_users(user_ids=reviewer_ids(claim), kind="customer_declined", claim=claim, data={"status": claim.status})


@retry_on_conflict
@transaction.atomic
def consent_resend(*, claim, user, expected_version=None) -> ConsentRequest:
    """A reviewer sends the customer contact a new link (the e-mail bounced and the partner
    corrected the address, or it was lost): the old link stops working at once. Possible while
    the claim awaits a decision, or is approved within its window, has a customer address and
    the customer has not declined. Refuses a form drawn from another version, and gives the
    claim a new one."""
    require_reviewer(user)
    claim = claim_lock(claim=claim, action="consent_resend", expected_version=expected_version)
    refusal = resend_refusal(claim, consent_current(claim.pk))
    if refusal:
        raise ClaimError(RESEND_REFUSALS[refusal], code=refusal)
    claim_save(claim=claim, fields=set())
    return consent_request_open(claim=claim, actor=user, occasion=Occasion.RESENT)


@transaction.atomic
def consent_email_bounced(*, request_ids, user) -> int:
    """An operator records that consent e-mails came back (a bounce notice in the sender's
    mailbox): the claim's pages then say so, and a reviewer can send the link again once the
    partner corrected the address. Only sent e-mails; returns how many were marked."""
    rows = list(
        ConsentRequest.objects.select_for_update(of=("self",))
        .select_related("claim")
        .filter(pk__in=list(request_ids), email_state=EmailState.SENT)
        .order_by("pk")
    )
    for row in rows:
        ConsentRequest.objects.filter(pk=row.pk).update(email_state=EmailState.BOUNCED)
        audit_record(
            action="consent.email.bounced",
            actor=user,
            claim=row.claim,
            data={"request": row.pk, "email": row.email, "marked": True},
        )
    return len(rows)

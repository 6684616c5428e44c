"""The steps every claim write is made of: lock, save with a version bump, transition with its
audit event, deadlines, and the three decisions (approved, rejected, ended).

The use cases (``claims.services``, ``arbitration.services``, ``claims.jobs``) compose these;
nothing else writes a claim's status. The contract of every step below ``claim_lock``: the
caller runs inside a transaction, holds the claim's row lock (``claim_lock``, or a
``select_for_update`` of its own) and, where the step can change who owns an association key
(approve, revert, the award), the key's lock (``lib.locks.lock_association_key``). The
allowed-from statuses come from the table in ``claims.states``. See docs/lifecycle.md.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from claims.errors import ClaimChanged, ClaimError, InvalidTransition
from claims.models import Claim, Comment, CommentKind
from claims.sla import deciding_a_dispute, service_days
from claims.states import TRANSITIONS, Status, status_in_sentence
from consent.requests import consent_window_start
from lib import clock
from lib.business_days import business_days_after
from lib.db import violated_constraint
from lib.locks import lock_association_key
from notifications.services import notify_partner

DISPUTE_WINDOW = dt.timedelta(days=30)

# What a violated claim constraint means to the person who caused it.
CONSTRAINT_ERRORS = {
    "claim_one_active_per_partner_key": (
        _("Your company already has an active claim for this association."),
        "already_claimed",
    ),
    "claim_one_owner_per_key": (_("Another partner already owns this association. Decide it through arbitration."), ""),
}


DISPUTE_WINDOW_CLOSED = _("The 30-day dispute window has closed. File a new claim instead.")
REJECTION_FINAL = _("This rejection is final: the claim was disputed once already. File a new claim instead.")


def permitted(*, claim: Claim, action: str, now=None) -> bool:
    """The whole state rule for ``action`` on ``claim``: the table lists its status, and a
    ``while_disputable`` action on a rejected claim needs the dispute window open. Pages ask
    this to offer an action; the use cases ask it (through ``require_allowed``) to take it."""
    rule = TRANSITIONS[action]
    if claim.status not in rule.sources:
        return False
    return not (rule.while_disputable and claim.status == Status.REJECTED) or dispute_window_open(claim, now=now)


def require_allowed(*, claim: Claim, action: str, now=None) -> None:
    """``InvalidTransition`` unless ``permitted``. The use cases check under the row lock
    (``claim_lock``); a view may ask first, before it stores the files that come with the
    action."""
    if claim.status not in TRANSITIONS[action].sources:
        raise InvalidTransition(
            _("This action is not possible while the claim is “%(status)s”.")
            % {"status": status_in_sentence(claim.status)}
        )
    if not permitted(claim=claim, action=action, now=now):
        raise InvalidTransition(REJECTION_FINAL if claim.disputed_once else DISPUTE_WINDOW_CLOSED)


def dispute_window_open(claim: Claim, *, now=None) -> bool:
    """A rejection may be disputed until ``dispute_until`` (30 days; never after a final one)."""
    return claim.dispute_until is not None and (now or clock.now()) <= claim.dispute_until


def claim_lock(*, claim: Claim, action: str, expected_version=None) -> Claim:
    """The claim re-read with its row lock, refused with ``ClaimChanged`` when the caller's
    form was drawn from another version, and with ``InvalidTransition`` when ``action`` is not
    allowed from its status.

    The lock order (docs/architecture.md, "Concurrency"): a claim that covers an association
    key is locked only after the key's advisory lock, as the case and the key's other claims
    are, so no two writers on one key ever wait for each other in opposite orders. The key is
    set once, at submission, and never changes; a draft has none (and is in no case)."""
    key = claim.association_key
    lock_association_key(key)
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.association_key != key:  # the caller's copy predates its submission: rare, and retried
        lock_association_key(locked.association_key)  # if it ever meets the opposite order
    if expected_version is not None and locked.version != int(expected_version):
        raise ClaimChanged()
    require_allowed(claim=locked, action=action)
    return locked


def claim_save(*, claim: Claim, fields: set[str]) -> None:
    """Save ``fields`` with a new version (forms carry the version; a stale one is refused).
    A violated one-owner / one-active-claim constraint becomes a ``ClaimError`` the user can
    read, inside a savepoint so the caller's transaction stays usable."""
    claim.version += 1
    try:
        with transaction.atomic():
            claim.save(update_fields=sorted(set(fields) | {"version", "updated_at"}))
    except IntegrityError as exc:
        known = CONSTRAINT_ERRORS.get(violated_constraint(exc, Claim))
        if known is None:
            raise
        message, code = known
        raise ClaimError(message, code=code) from exc


def claim_transition(*, claim: Claim, action: str, actor, fields=(), reason_code: str = "", data=None) -> Claim:
    """Move the locked claim to the table's target of ``action``, save it with ``fields`` and
    append the audit event ``claims.claim.<event>``."""
    step = TRANSITIONS[action]
    from_status = claim.status
    claim.status = step.target
    claim_save(claim=claim, fields=set(fields) | {"status"})
    audit_record(
        action=f"claims.claim.{step.event}",
        actor=actor,
        claim=claim,
        from_status=from_status,
        to_status=step.target,
        reason_code=reason_code,
        data=data,
    )
    return claim


def system_comment(claim: Claim, code: str, *, body: str = "", data=None, internal=False, author=None) -> Comment:
    """A system entry in the claim's thread (``code`` is rendered in the reader's language by
    ``claims.messages``); ``author`` is the person whose action it records, if any."""
    return Comment.objects.create(
        claim=claim,
        kind=CommentKind.SYSTEM,
        internal=internal,
        code=code,
        data=data or {},
        body=body,
        author=author if (author is not None and author.is_authenticated) else None,
    )


def due_set(*, claim: Claim, kind: str, days: int | None = None, now=None) -> set[str]:
    """Start the clock of ``kind``: ``days`` business days from ``now`` (by default the
    service time of ``kind``, ``claims.sla.service_days``). Returns the fields."""
    if days is None:
        days = service_days(kind, dispute=deciding_a_dispute(claim))
    claim.due_at = business_days_after(now or clock.now(), days)
    claim.due_kind = kind
    return {"due_at", "due_kind"}


def due_clear(*, claim: Claim) -> set[str]:
    """No clock runs (a decision, a withdrawal). Returns the fields."""
    claim.due_at, claim.due_kind, claim.paused_days = None, "", None
    return {"due_at", "due_kind", "paused_days"}


def decision_clear(*, claim: Claim) -> set[str]:
    """Forget the decision (a lead's revert, a reopened arbitration case). Returns the fields."""
    claim.decided_at = None
    claim.decision_reason = ""
    claim.decision_message = ""
    claim.dispute_until = None
    return {"decided_at", "decision_reason", "decision_message", "dispute_until"}


def reviewer_ids(claim: Claim) -> list[int]:
    """Who hears of the partner's moves on a claim: its assignee, if any."""
    return [claim.assignee_id] if claim.assignee_id else []


def claim_mark_approved(
    *, claim: Claim, actor, action: str = "approve", message: str = "", data=None, announce: bool = True
) -> Claim:
    """The locked claim is approved: its partner owns the key. Caller holds the key lock.
    With ``announce=False`` the caller writes the partner's comment and notification itself
    (an arbitration award tells the winner that it won)."""
    claim.decided_at = clock.now()
    claim.decision_reason = ""
    claim.decision_message = (message or "").strip()
    claim.dispute_until = None
    fields = {"decided_at", "decision_reason", "decision_message", "dispute_until"} | due_clear(claim=claim)
    claim_transition(claim=claim, action=action, actor=actor, fields=fields, data=data)
    consent_window_start(claim=claim, approved_at=claim.decided_at)  # the customer may still decline (CONSENT_WINDOW)
    if announce:
        system_comment(claim, "approved", body=claim.decision_message, author=actor)
        notify_partner(claim=claim, kind="decision", data={"status": Status.APPROVED})
    return claim


def claim_mark_rejected(
    *, claim: Claim, actor, reason: str, action: str = "reject", message: str = "", data=None
) -> Claim:
    """The locked claim is rejected with ``reason``. A claim never disputed may be disputed
    within ``DISPUTE_WINDOW``; a claim disputed once gets a final rejection."""
    now = clock.now()
    final = claim.disputed_once or claim.status == Status.DISPUTED
    claim.decided_at = now
    claim.decision_reason = reason
    claim.decision_message = (message or "").strip()
    claim.dispute_until = None if final else now + DISPUTE_WINDOW
    fields = {"decided_at", "decision_reason", "decision_message", "dispute_until"} | due_clear(claim=claim)
    claim_transition(claim=claim, action=action, actor=actor, fields=fields, reason_code=reason, data=data)
    code = "rejected_final" if final else "rejected"
    system_comment(claim, code, body=claim.decision_message, data={"reason": reason}, author=actor)
    decision = {"status": Status.REJECTED, "reason": reason, **({"final": True} if final else {})}
    notify_partner(claim=claim, kind="decision", data=decision)
    return claim


def claim_mark_ended(*, claim: Claim, actor, reason: str, action: str = "end", message: str = "", data=None) -> Claim:
    """The locked, approved claim's association ends with ``reason``; its partner is told
    (except the person who ended it)."""
    claim.ended_at = clock.now()
    claim.end_reason = reason
    claim.end_message = (message or "").strip()
    fields = {"ended_at", "end_reason", "end_message"}
    claim_transition(claim=claim, action=action, actor=actor, fields=fields, reason_code=reason, data=data)
    system_comment(claim, "ended", body=claim.end_message, data={"reason": reason}, author=actor)
    notify_partner(claim=claim, kind="association_ended", data={"reason": reason}, exclude_user=actor)
    return claim

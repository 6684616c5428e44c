"""Reading consent: the link a visit brings, whether it still works, and the "Customer consent"
line of the partner's claim page and the review screen (docs/consent.md)."""

from dataclasses import dataclass

from claims.states import Status, sources
from consent.models import ConsentRequest, EmailState
from consent.requests import consent_current
from consent.tokens import token_hash, well_formed
from lib import clock

# The customer may still decline while the claim awaits a decision (then it is rejected), and
# after an approval within its window (then the association ends).
BEFORE_DECISION = frozenset(sources("customer_decline"))


def window_open(row: ConsentRequest, *, now=None) -> bool:
    """An approved claim's customer may still decline: not marked final, and its window (if it
    has an end: ``CONSENT_WINDOW`` "any" has none) has not passed."""
    if row.final_at is not None:
        return False
    return row.window_ends_at is None or (now or clock.now()) < row.window_ends_at


def link_usable(row: ConsentRequest, *, claim=None, now=None) -> bool:
    """The link still asks the customer something: it is the claim's current one, not declined
    and not expired, and the claim awaits a decision or is approved within its window."""
    now = now or clock.now()
    claim = claim or row.claim
    if row.superseded_at is not None or row.declined_at is not None or row.expires_at <= now:
        return False
    if claim.status in BEFORE_DECISION:
        return True
    return claim.status == Status.APPROVED and window_open(row, now=now)


def consent_for_token(token: str, *, now=None) -> ConsentRequest | None:
    """The link ``token`` opens, if it still works; None for anything else (a made-up or damaged
    token, a replaced, expired or declined link, a claim that no longer waits on the customer)."""
    if not well_formed(token):
        return None
    row = (
        ConsentRequest.objects.select_related("claim", "claim__partner", "claim__tenant")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if row is None or not link_usable(row, now=now):
        return None
    return row


@dataclass(frozen=True)
class ConsentLine:
    """What a claim's page says about the customer's consent."""

    request: ConsentRequest | None
    # "" (no link: a claim filed before consent links), "waiting", "confirmed", "declined",
    # "missing" (no customer address), "bounced", "failed", "expired" (the link expired while the
    # claim still waits: a reviewer can send a new one), "unanswered" (decided without an answer),
    # "not_asked" (a claim awaiting a decision that was filed before consent links)
    state: str
    reason: str  # the customer's reason, when the reader may see it
    reason_withheld: bool  # the customer kept a reason from the partner (partner's view)
    # For an approved claim: "open" (may decline until window_ends_at), "any" (at any time),
    # "final", or "" for any other status.
    window: str
    can_resend: bool

    @property
    def window_ends_at(self):
        return self.request.window_ends_at if self.request else None


def _state(row: ConsentRequest | None, claim, now) -> str:
    if row is None:  # filed before consent links: a reviewer may still ask while it waits
        return "not_asked" if claim.submitted_at and claim.status in BEFORE_DECISION else ""
    if row.declined_at is not None:
        return "declined"
    if row.confirmed_at is not None:
        return "confirmed"
    if not link_usable(row, claim=claim, now=now):
        # The claim went its way without an answer, or the link expired while it still waits.
        still_asking = claim.status in BEFORE_DECISION or (
            claim.status == Status.APPROVED and window_open(row, now=now)
        )
        return "expired" if still_asking else "unanswered"
    if row.email_state in (EmailState.MISSING, EmailState.BOUNCED, EmailState.FAILED):
        return str(row.email_state)
    return "waiting"


def resend_refusal(claim, row: ConsentRequest | None, *, now=None) -> str:
    """Why a reviewer cannot send the customer a new link now ("" when they can): the rule of
    the review screen's button and of ``consent.services.consent_resend``."""
    now = now or clock.now()
    if not (claim.customer_contact_email or "").strip():
        return "no_address"
    if row is not None and row.declined_at is not None:
        return "declined"
    if claim.status == Status.APPROVED and (row is None or not window_open(row, now=now)):
        return "final"
    if claim.status not in BEFORE_DECISION and claim.status != Status.APPROVED:
        return "status"
    return ""


def consent_line(claim, *, for_reviewer: bool, now=None) -> ConsentLine:
    """The claim's consent line for a reviewer (everything, the reason always) or for the
    claim's partner (the reason only if the customer did not keep it private). One query."""
    now = now or clock.now()
    row = consent_current(claim.pk) if claim.submitted_at else None
    private = row is not None and row.reason_private
    shown = bool(row and row.reason and (for_reviewer or not private))
    window = ""
    if claim.status == Status.APPROVED:
        if row is None or not window_open(row, now=now):
            window = "final" if row is not None else ""
        else:
            window = "any" if row.window_ends_at is None else "open"
    return ConsentLine(
        request=row,
        state=_state(row, claim, now),
        reason=row.reason if shown else "",
        reason_withheld=bool(row and row.reason and private and not for_reviewer),
        window=window,
        can_resend=for_reviewer and not resend_refusal(claim, row, now=now),
    )

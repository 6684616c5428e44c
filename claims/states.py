"""The claim lifecycle as one table: statuses, every action, the statuses it is allowed from,
the status it leads to, and who may take it (docs/lifecycle.md draws the same table).

The services (``claims.services``, ``arbitration.services``) lock a claim for an action and
refuse it unless its status is one of the action's sources (``claims.transitions``); the
views ask ``allowed()`` which buttons to offer; the periodic jobs select the claims an action
applies to from the same sources. Nobody spells a list of statuses of their own: the named
groups below are derived from the table, so a change here changes every reader at once.

This module reads no database and imports nothing of the project: ``claims.models`` builds on it.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    EDITING = "editing", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    ACTION_REQUIRED = "action_required", _("Partner action required")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DISPUTED = "disputed", _("Disputed")
    ENDED = "ended", _("Ended")


class Actor:
    """Who may take an action (``Transition.actors``). Leads can do everything reviewers can
    (``accounts.User.is_reviewer``); ``SYSTEM`` is the portal's own jobs (``lib.actors``)."""

    PARTNER = "partner"  # a Global, Billing or Incentives admin of the claim's company
    REVIEWER = "reviewer"
    LEAD = "lead"
    SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    """One action on a claim. ``target`` is ``None`` for an action that keeps the status (an
    edit, an assignment, new PoE); ``event`` names its audit event (``claims.claim.<event>``)."""

    action: str
    sources: tuple[str, ...]
    target: str | None
    actors: tuple[str, ...]
    event: str = ""
    # From ``rejected`` only while the rejection may still be disputed: its 30-day window is
    # open (a final rejection has none). ``claims.transitions.permitted`` applies it.
    while_disputable: bool = False


# Awaiting a decision: the review queue, competing with an owner or with each other.
_AWAITING = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.DISPUTED, Status.ACTION_REQUIRED)
# A reviewer is deciding (the reviewer's clock runs towards a decision).
_DECIDING = (Status.UNDER_REVIEW, Status.DISPUTED)
_PARTNER_EDITABLE = (Status.EDITING, Status.SUBMITTED, Status.ACTION_REQUIRED)
# A submitted claim that is not finished: the partner and Microsoft still talk about it.
_CONVERSATION = (*_AWAITING, Status.APPROVED, Status.REJECTED)

_P, _R, _L, _S = Actor.PARTNER, Actor.REVIEWER, Actor.LEAD, Actor.SYSTEM

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        # The partner's side.
        Transition("edit", _PARTNER_EDITABLE, None, (_P,), "updated"),
        Transition("submit", (Status.EDITING,), Status.SUBMITTED, (_P,), "submitted"),
        Transition("resubmit", (Status.ACTION_REQUIRED,), Status.UNDER_REVIEW, (_P,), "resubmitted"),
        Transition(
            "withdraw",
            (Status.EDITING, Status.SUBMITTED, Status.UNDER_REVIEW, Status.ACTION_REQUIRED),
            Status.WITHDRAWN,
            (_P,),
            "withdrawn",
        ),
        Transition("dispute", (Status.REJECTED,), Status.DISPUTED, (_P,), "disputed", while_disputable=True),
        # PoE: while editable, to defend an approved association, and to support a dispute.
        Transition(
            "add_poe",
            (*_PARTNER_EDITABLE, Status.APPROVED, Status.REJECTED, Status.DISPUTED),
            None,
            (_P,),
            "",
            while_disputable=True,
        ),
        # The conversation with the partner (comments both sides see): from submission until
        # the claim is finished. Withdrawn, ended and finally rejected claims have a closed
        # thread; reviewers' internal notes stay possible on every submitted claim.
        Transition("comment", _CONVERSATION, None, (_P, _R), "", while_disputable=True),
        Transition("note", (*_CONVERSATION, Status.WITHDRAWN, Status.ENDED), None, (_R,), ""),
        # A draft nobody changed for DRAFT_EXPIRY_DAYS (claims.jobs.drafts): withdrawn, kept.
        Transition("expire_draft", (Status.EDITING,), Status.WITHDRAWN, (_S,), "expired"),
        # A new claim for the same key after this one ended its course.
        Transition("reclaim", (Status.REJECTED, Status.WITHDRAWN, Status.ENDED), None, (_P,), ""),
        # The partner ends its association; the re-check ends it when the subscription lapsed.
        Transition("end", (Status.APPROVED,), Status.ENDED, (_P, _S), "ended"),
        # The reviewer's side.
        Transition("assign", _AWAITING, None, (_R,), "assigned"),
        Transition("start_review", (Status.SUBMITTED,), Status.UNDER_REVIEW, (_R,), "review_started"),
        Transition("request_info", _DECIDING, Status.ACTION_REQUIRED, (_R,), "info_requested"),
        Transition("approve", _DECIDING, Status.APPROVED, (_R,), "approved"),
        Transition("reject", _DECIDING, Status.REJECTED, (_R,), "rejected"),
        Transition("revert", (Status.APPROVED, Status.REJECTED), Status.UNDER_REVIEW, (_L,), "reverted"),
        # The SLA sweep: no answer by the action_required deadline.
        Transition("reject_unanswered", (Status.ACTION_REQUIRED,), Status.REJECTED, (_S,), "rejected"),
        # Arbitration (arbitration.services): the award approves the winner, rejects the other
        # open claims and ends a losing incumbent; reopening a decided case puts the claims the
        # award rejected or displaced back under review.
        Transition("award_win", (*_AWAITING, Status.APPROVED), Status.APPROVED, (_R,), "approved"),
        Transition("award_lose", _AWAITING, Status.REJECTED, (_R,), "rejected"),
        Transition("award_displace", (Status.APPROVED,), Status.ENDED, (_R,), "ended"),
        Transition("case_reopen", (Status.REJECTED, Status.ENDED), Status.UNDER_REVIEW, (_L,), "reverted"),
        # An approved incumbent asked for information keeps its approval (it is at stake only
        # in the award): the request and its answer change no status.
        Transition("case_ask_incumbent", (Status.APPROVED,), None, (_R,), ""),
        Transition("case_answer", (Status.APPROVED,), None, (_P,), ""),
        # Customer consent (consent.services): the customer declines before a decision (after an
        # approval it is "end", by the system), and a reviewer sends the customer a new link.
        Transition("customer_decline", _AWAITING, Status.REJECTED, (_S,), "rejected"),
        Transition("consent_resend", (*_AWAITING, Status.APPROVED), None, (_R,), ""),
    )
}


def sources(action: str) -> tuple[str, ...]:
    return TRANSITIONS[action].sources


def allowed(action: str, status: str) -> bool:
    """Whether the table lists ``status`` as a source of ``action``. The whole rule, with the
    dispute window of ``while_disputable`` actions, is ``claims.transitions.permitted``; the
    service still checks who asks and the version."""
    return status in TRANSITIONS[action].sources


def status_in_sentence(status) -> str:
    """A status (a value of ``Status``) as a word inside a sentence, in the active language:
    its label with a lower-case first letter ("A claim that is “approved” cannot be edited",
    "… har statusen ”godkänt” …"). Pills, headings and table cells show the label as it is.
    A first word in capitals (an abbreviation) is kept; an unknown value is returned as it is."""
    try:
        label = str(Status(status).label)
    except ValueError:
        return str(status)
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return label
    return label[:1].lower() + label[1:]


# --- the named groups, all from the table -----------------------------------------------------

# Awaiting a decision: the reviewer queue (partner action required shown for reference).
OPEN_STATUSES = sources("assign")
# A partner holds or pursues the key: a second claim of the same partner is "already claimed",
# another partner's claim competes.
ACTIVE_STATUSES = (*OPEN_STATUSES, Status.APPROVED)
# The reviewer has the claim (not waiting on the partner): reminders and escalations.
AWAITING_REVIEWER = tuple(s for s in OPEN_STATUSES if s != Status.ACTION_REQUIRED)
# A reviewer decides now: approve, reject or ask for more.
DECIDING_STATUSES = sources("approve")
PARTNER_EDITABLE_STATUSES = sources("edit")
POE_STATUSES = sources("add_poe")

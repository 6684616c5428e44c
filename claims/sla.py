"""The SLA clock as people see it: deadline, business days left, and a state that picks the
colour (on track / due within one business day / overdue / paused while waiting on the
partner).

Days left round up (``lib.business_days.business_days_left``): right after an action that
promised five business days the clock says 5, and it says 1 during the last business day.
Days overdue round down (``business_days_between``): "overdue" at the deadline, "overdue by
1 business day" one whole business day later."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models import DueKind
from claims.states import Status
from lib.business_days import business_days_after, business_days_between, business_days_left

ON_TRACK, DUE_SOON, OVERDUE, PAUSED, NONE = "on_track", "due_soon", "overdue", "paused", "none"
SLA_LABELS = {
    ON_TRACK: _("On track"),
    DUE_SOON: _("Due within one business day"),
    OVERDUE: _("Overdue"),
    PAUSED: _("Paused: waiting on the partner"),
    NONE: _("No deadline"),
}


def service_days(kind: str, *, dispute: bool = False) -> int:
    """The service time of a clock of ``kind``, in business days, from the settings
    (``SERVICE_DAYS_*``): the review to start, the reviewer's decision (a dispute's when
    ``dispute``), the partner's answer to a request."""
    if kind == DueKind.REVIEW_START:
        return settings.SERVICE_DAYS_REVIEW_START
    if kind == DueKind.PARTNER_RESPONSE:
        return settings.SERVICE_DAYS_PARTNER_ANSWER
    return settings.SERVICE_DAYS_DISPUTE_DECISION if dispute else settings.SERVICE_DAYS_DECISION


def deciding_a_dispute(claim) -> bool:
    """Whether the claim's decision (running, or paused while the partner answers) is on a
    dispute, and so runs on the dispute's service time."""
    return claim.status == Status.DISPUTED or (claim.status == Status.ACTION_REQUIRED and claim.disputed_once)


@dataclass(frozen=True)
class SlaInfo:
    state: str
    due_at: object
    days_left: int | None
    kind: str

    @property
    def label(self) -> str:
        return str(SLA_LABELS[self.state])


def sla_info(claim, *, now=None, for_reviewer: bool = True) -> SlaInfo:
    """For reviewers a claim waiting on the partner is *paused*; for the partner it is their
    own deadline, so it is coloured like any other."""
    if not claim.due_at:
        return SlaInfo(NONE, None, None, "")
    now = now or timezone.now()
    if for_reviewer and claim.status == Status.ACTION_REQUIRED and claim.due_kind == DueKind.PARTNER_RESPONSE:
        return SlaInfo(PAUSED, claim.due_at, claim.paused_days, claim.due_kind)
    if claim.due_at <= now:
        return SlaInfo(OVERDUE, claim.due_at, business_days_between(now, claim.due_at), claim.due_kind)
    # Due soon while less than one whole business day is left: the same boundary as the
    # queue's SLA filter (review.filters) and the reviewer reminder.
    soon = claim.due_at < business_days_after(now, 1)
    return SlaInfo(DUE_SOON if soon else ON_TRACK, claim.due_at, business_days_left(now, claim.due_at), claim.due_kind)

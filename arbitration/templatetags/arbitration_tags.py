"""Small helpers for the arbitration templates."""

from types import SimpleNamespace

from django import template
from django.utils.translation import gettext_lazy as _

from claims.models import Activity, DueKind
from claims.references import claim_reference
from claims.states import Status
from claims.templatetags.claims_tags import sla_clock
from review.templatetags.review_tags import action_label

register = template.Library()

CASE_ACTION_LABELS = {
    "arbitration.case.opened": _("Case opened"),
    "arbitration.case.joined": _("Joined the case"),
    "arbitration.case.assigned": _("Case assigned"),
    "arbitration.case.info_requested": _("Information requested"),
    "arbitration.case.info_answered": _("The partner answered the request"),
    "arbitration.case.awarded": _("Case decided"),
    "arbitration.case.closed": _("Case closed: no competing claims left"),
    "arbitration.case.reopened": _("Case reopened"),
}


@register.filter
def case_action_label(event):
    return CASE_ACTION_LABELS.get(event.action) or action_label(event)


@register.simple_tag(takes_context=True)
def oldest_deadline(context, due_at):
    """The SLA clock of a case's oldest open deadline (a decision deadline)."""
    stand_in = SimpleNamespace(status=Status.UNDER_REVIEW, due_at=due_at, due_kind=DueKind.DECISION, paused_days=None)
    return sla_clock(context, stand_in)


@register.simple_tag(takes_context=True)
def request_clock(context, due_at):
    """The clock of an approved incumbent's information request: its answer date, coloured as
    any partner deadline (it is not paused: the incumbent's claim has no decision clock)."""
    stand_in = SimpleNamespace(
        status=Status.APPROVED, due_at=due_at, due_kind=DueKind.PARTNER_RESPONSE, paused_days=None
    )
    return sla_clock(context, stand_in, False)


@register.filter
def chosen(values, pk) -> bool:
    """Whether ``pk`` is among a form field's value(s) (strings when bound, ints when not)."""
    if values is None:
        return False
    if not isinstance(values, list | tuple):
        values = [values]
    return str(pk) in {str(v) for v in values}


@register.filter
def activity_label(value) -> str:
    """The label of a stored activity code (the case keeps the bare code)."""
    try:
        return Activity(value).label
    except ValueError:
        return value


@register.filter
def claim_refs(pks) -> str:
    """``CPOR-000012, CPOR-000013`` for a list of claim ids kept in an event's data."""
    try:
        return ", ".join(claim_reference(pk) for pk in pks or [])
    except (TypeError, ValueError):
        return ""

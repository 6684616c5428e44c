from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from claims.messages import render_system_message
from claims.models import DueKind
from claims.sla import NONE, OVERDUE, PAUSED, service_days, sla_info
from claims.states import Status
from claims.states import status_in_sentence as _status_in_sentence
from lib import clock

register = template.Library()

SERVICE_KINDS = {
    "review_start": DueKind.REVIEW_START,
    "decision": DueKind.DECISION,
    "partner_answer": DueKind.PARTNER_RESPONSE,
}


@register.simple_tag
def service_time(kind: str, dispute: bool = False) -> int:
    """A service time in business days, from the settings, for texts that name it:
    ``{% service_time "decision" as days %}`` (kinds: review_start, decision, partner_answer;
    ``dispute=True`` for a dispute's decision)."""
    return service_days(SERVICE_KINDS[kind], dispute=dispute)


def rejected_for_good(claim) -> bool:
    """A rejection that can no longer be disputed: disputed once already (no window was
    opened), or its 30-day window has passed. Read from the claim's own fields, and only when
    they are loaded (a list that did not load them shows plain "Rejected", never a query)."""
    fields = getattr(claim, "__dict__", {})
    if fields.get("status") != Status.REJECTED or "dispute_until" not in fields:
        return False
    until = fields["dispute_until"]
    return until is None or until <= clock.now()


def never_submitted(claim) -> bool:
    """A withdrawn claim that was never submitted: a draft its partner discarded, or one that
    expired (Partner Center calls it cancelled). Only when the fields are loaded."""
    fields = getattr(claim, "__dict__", {})
    return fields.get("status") == Status.WITHDRAWN and "submitted_at" in fields and fields["submitted_at"] is None


@register.simple_tag
def status_pill(claim_or_status, label=None):
    """A coloured status label: ``{% status_pill claim %}``; a rejection that can no longer be
    disputed reads "Rejected (final)", as in Partner Center."""
    status = getattr(claim_or_status, "status", claim_or_status)
    if label is None and rejected_for_good(claim_or_status):
        label = _("Rejected (final)")
    if label is None and never_submitted(claim_or_status):
        label = _("Draft cancelled")
    if label is None:
        label = claim_or_status.get_status_display() if hasattr(claim_or_status, "get_status_display") else status
    return format_html('<span class="pill status-{}">{}</span>', status, label)


@register.filter
def status_in_sentence(claim_or_status) -> str:
    """A claim's status (or a status value) as a word inside a sentence: lower-case
    (``claims.states.status_in_sentence``). ``{% blocktranslate with status=claim|status_in_sentence %}``."""
    return _status_in_sentence(getattr(claim_or_status, "status", claim_or_status))


@register.simple_tag(takes_context=True)
def sla_clock(context, claim, for_reviewer=True):
    """Deadline, business days left and the SLA colour: ``{% sla_clock claim %}``."""
    return sla_clock_html(claim, now=context.get("now"), for_reviewer=for_reviewer)


def sla_clock_html(claim, *, now=None, for_reviewer=True, due_text=None, memo=None):
    """The clock's markup (also drawn by ``review.rows`` for the queue, which passes the
    deadline it has already formatted as ``due_text``, and a ``memo`` dict shared by the
    table's rows: the translated texts depend only on the state and the days left)."""
    info = sla_info(claim, now=now, for_reviewer=for_reviewer)
    if info.state == NONE:
        return mark_safe('<span class="sla sla-none muted">—</span>')  # noqa: S308 (constant)
    memo = {} if memo is None else memo
    words = memo.get((info.state, info.days_left))
    if words is None:
        words = memo[(info.state, info.days_left)] = (_sla_text(info), _("Due"), info.label)
    text, due_word, label = words
    due = due_text or formats.date_format(timezone.localtime(info.due_at), "SHORT_DATETIME_FORMAT")
    return format_html(
        '<span class="sla sla-{}" title="{}: {}"><span class="visually-hidden">{}: </span>{}</span>',
        info.state,
        due_word,
        due,
        label,
        text,
    )


def _sla_text(info) -> str:
    if info.state == PAUSED:
        if info.days_left is None:
            return _("Paused")
        return ngettext("Paused · %(n)d day left", "Paused · %(n)d days left", info.days_left) % {"n": info.days_left}
    if info.state == OVERDUE:
        late = abs(info.days_left or 0)
        if not late:
            return _("Overdue")
        return ngettext("Overdue by %(n)d business day", "Overdue by %(n)d business days", late) % {"n": late}
    if info.days_left == 0:
        return _("Due within a business day")
    return ngettext("%(n)d business day left", "%(n)d business days left", info.days_left) % {"n": info.days_left}


@register.filter
def system_text(comment):
    """The reader-language text of a system comment (escaped by the template)."""
    return render_system_message(comment.code, comment.data)

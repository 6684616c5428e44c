from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from claims.models import EndReason, InfoRequestReason, RejectionReason
from claims.states import Status

register = template.Library()

ACTION_LABELS = {
    "claims.claim.created": _("Draft created"),
    "claims.claim.updated": _("Claim edited"),
    "claims.claim.submitted": _("Submitted"),
    "claims.claim.review_started": _("Review started"),
    "claims.claim.assigned": _("Assigned"),
    "claims.claim.info_requested": _("Information requested"),
    "claims.claim.resubmitted": _("Partner answered and resubmitted"),
    "claims.claim.approved": _("Approved"),
    "claims.claim.rejected": _("Rejected"),
    "claims.claim.withdrawn": _("Withdrawn"),
    "claims.claim.disputed": _("Disputed"),
    "claims.claim.ended": _("Association ended"),
    "claims.claim.reverted": _("Decision reverted"),
    "claims.comment.added": _("Comment added"),
    "claims.poe.added": _("PoE file added"),
    "arbitration.case.opened": _("Case opened"),
    "arbitration.case.joined": _("Joined the case"),
    "arbitration.case.assigned": _("Case assigned"),
    "arbitration.case.info_requested": _("Information requested"),
    "arbitration.case.info_answered": _("The partner answered the request"),
    "arbitration.case.awarded": _("Case decided"),
    "arbitration.case.closed": _("Case closed: no competing claims left"),
    "arbitration.case.reopened": _("Case reopened"),
}
PREVIEW_TYPES = {"application/pdf": "pdf", "image/png": "image", "image/jpeg": "image"}


@register.simple_tag
def url_or_none(name, *args, **kwargs):
    """``{% url_or_none "claims:poe_download" pk=1 poe_id=2 as url %}``: the URL, or ``None``
    when no such route exists (yet)."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


@register.filter
def action_label(event):
    if event.action == "claims.comment.added" and (event.data or {}).get("internal"):
        return _("Internal note added")
    return ACTION_LABELS.get(event.action, event.action)


@register.filter
def status_label(value):
    try:
        return Status(value).label
    except ValueError:
        return value


@register.filter
def reason_labels(code):
    """Labels for a stored reason code (several info-request reasons are comma-separated)."""
    labels = {**dict(InfoRequestReason.choices), **dict(RejectionReason.choices), **dict(EndReason.choices)}
    return "; ".join(str(labels.get(part, part)) for part in (code or "").split(",") if part)


@register.filter
def person(user):
    if user is None:
        return _("System")
    return user.display_name


@register.filter
def company(user):
    """The partner company of a comment's author, or "" for Microsoft staff. A plain getattr:
    the template engine's failed lookup on a missing reverse one-to-one calls dir() on the
    user, which was a tenth of the review screen's time with 200 comments."""
    membership = getattr(user, "membership", None)
    return membership.partner.name if membership is not None else ""


@register.filter
def preview_kind(poe):
    return PREVIEW_TYPES.get(poe.content_type, "")


@register.simple_tag
def select_field(bound_field):
    """A ``<select>`` for a choice field, built in Python: the widget templates render each
    option through the template engine, which is the slowest part of the queue page when a
    select has a few hundred options (the partner filter)."""
    value = bound_field.value()
    values = value if isinstance(value, list | tuple) else [value]
    chosen = {str(v) for v in values if v not in (None, "")}
    # Plain escape + join: format_html per option costs more than the rest of the row.
    parts = []
    for option_value, label in bound_field.field.widget.choices:
        key = escape(str(option_value))
        selected = " selected" if str(option_value) in chosen else ""
        parts.append(f'<option value="{key}"{selected}>{escape(str(label))}</option>')
    options = mark_safe("".join(parts))  # noqa: S308 (every value escaped above)
    invalid = mark_safe(' aria-invalid="true"') if bound_field.errors else ""  # noqa: S308 (constant)
    # The ids Django's widgets would name; templates/claims/_field.html draws them.
    described = format_html(' aria-describedby="{}"', ids) if (ids := bound_field.aria_describedby) else ""
    return format_html(
        '<select name="{}" id="{}"{}{}>{}</select>',
        bound_field.html_name,
        bound_field.auto_id,
        invalid,
        described,
        options,
    )

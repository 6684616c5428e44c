"""Texts of system comments, rendered in the reader's language.

A system comment stores a ``code`` (and ``data``), not a sentence, so a Swedish partner
and an English reviewer each read it in their own language.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from claims.models import DueKind, EndReason, InfoRequestReason, RejectionReason
from claims.sla import service_days

SYSTEM_MESSAGES = {
    "created": _("Draft created."),
    # ``days``: the service time when the comment was written (data), else the current one.
    "submitted": ngettext_lazy(
        "Claim submitted. Microsoft starts the review within %(days)d business day.",
        "Claim submitted. Microsoft starts the review within %(days)d business days.",
        "days",
    ),
    "competing": ngettext_lazy(
        "Microsoft is reviewing competing claims for this customer and product. Your claim is still reviewed "
        "within %(days)d business day, although its status may stay Under review for longer, and more "
        "information may be requested here.",
        "Microsoft is reviewing competing claims for this customer and product. Your claim is still reviewed "
        "within %(days)d business days, although its status may stay Under review for longer, and more "
        "information may be requested here.",
        "days",
    ),
    "competing_incumbent": _(
        "Another partner has claimed this customer and product. Your association stays valid while Microsoft "
        "reviews the competing claims; you can add proof of execution here to support it."
    ),
    "review_started": _("Microsoft started reviewing the claim."),
    "assigned": _("Assigned to %(assignee)s."),
    "info_requested": ngettext_lazy(
        "Microsoft needs more information: %(reasons)s. Answer within %(days)d business day.",
        "Microsoft needs more information: %(reasons)s. Answer within %(days)d business days.",
        "days",
    ),
    "resubmitted": _("The partner answered and resubmitted the claim."),
    "approved": _("Claim approved."),
    "rejected": _("Claim rejected: %(reason)s. You can dispute this decision within 30 days."),
    "rejected_final": _("Claim rejected: %(reason)s."),
    "withdrawn": _("The partner withdrew the claim."),
    "draft_expired": _("The draft expired: nobody changed it for a long time. It is kept; to claim, file a new claim."),
    "disputed": _("The partner disputed the rejection."),
    "ended": _("Association ended: %(reason)s."),
    "reverted": _("The decision was reopened for review by Microsoft."),
    "reverted_note": _("Decision reverted by a review lead."),
    "poe_added": _("Proof of execution added: %(name)s."),
    "dispute_window_closed": _("The 30-day dispute window closed. To claim again, file a new claim."),
    "case_awarded": _("Microsoft decided the competing claims for this customer and product."),
    "case_reopened": _("Microsoft reopened the review of the competing claims."),
    # Arbitration: an approved incumbent asked for more (its approval is not at stake until
    # the award), its answer, and the winner of an award.
    "case_info_requested": _(
        "Microsoft needs more information to decide the competing claims: %(reasons)s. Your association stays "
        "valid until the decision."
    ),
    "case_info_answered": _("The partner answered Microsoft's request."),
    "case_won": _(
        "Microsoft decided the competing claims for this customer and product in favour of this claim: it is approved."
    ),
    "case_won_incumbent": _(
        "Microsoft decided the competing claims for this customer and product in favour of this claim: its "
        "association stays valid."
    ),
}


# The service time a message with ``days`` names, for comments written without it.
DAYS_OF = {"submitted": DueKind.REVIEW_START, "competing": DueKind.DECISION, "info_requested": DueKind.PARTNER_RESPONSE}


def service_days_data(code: str) -> dict:
    """The ``data`` that keeps a system comment's service time as it was when it was written."""
    return {"days": service_days(DAYS_OF[code])} if code in DAYS_OF else {}


def render_system_message(code: str, data: dict) -> str:
    template = SYSTEM_MESSAGES.get(code)
    if template is None:
        return ""
    values = {**service_days_data(code), **data}
    if "reasons" in values:
        labels = dict(InfoRequestReason.choices)
        values["reasons"] = "; ".join(str(labels.get(r, r)) for r in values["reasons"])
    if "reason" in values:
        labels = {**dict(RejectionReason.choices), **dict(EndReason.choices)}
        values["reason"] = str(labels.get(values["reason"], values["reason"]))
    try:
        return template % values  # (a lazy plural picks its form from values["days"])
    except (KeyError, TypeError, ValueError):
        return str(template).split("%(")[0].rstrip(": ")

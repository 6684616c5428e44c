"""What each kind of notification says, in the reader's language, and where it links.

A notification stores a ``kind`` and ``data`` (codes, dates, ids), never a sentence, so the
same row reads in Swedish in one user's e-mail and in English in another's list. Sentences
name only the claim's own name and reference (read from the claim when the text is drawn, so a
renamed claim reads by its new name) and codes: never another partner, an MPN, or a reviewer's
internal note.
"""

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from claims.models import EndReason, InfoRequestReason, RejectionReason
from claims.references import claim_label, claim_reference
from claims.sla import OVERDUE
from review.params import ME

SUBJECTS = {
    "comment": _("New comment on %(ref)s"),
    "info_requested": _("More information needed for %(ref)s"),
    "decision": _("Decision on %(ref)s"),
    "reviewer_reminder": _("Due within one business day: %(ref)s"),
    "partner_reminder": _("Reminder: Microsoft is waiting for your answer on %(ref)s"),
    "escalation": _("Deadline missed: %(ref)s"),
    "association_ended": _("Association ended: %(ref)s"),
    "subscription_claimable": _("Your draft %(ref)s can now be submitted"),
    "partner_responded": _("The partner answered on %(ref)s"),
    "withdrawn": _("Claim withdrawn: %(ref)s"),
    "disputed": _("Rejection disputed: %(ref)s"),
    "assigned": _("Assigned to you: %(ref)s"),
    "poe_added": _("New proof of execution on %(ref)s"),
    "dispute_window_closed": _("Dispute window closed: %(ref)s"),
    "draft_expiring": _("Draft %(ref)s expires soon"),
    "customer_declined": _("Customer declined: %(ref)s"),
}

SENTENCES = {
    "comment": _("There is a new comment on claim %(ref)s."),
    "info_requested": _(
        "Microsoft needs more information on claim %(ref)s: %(reasons)s. Answer by %(due)s, or the claim is "
        "rejected automatically."
    ),
    # (written before the notification carried its answer date)
    "info_requested_undated": _(
        "Microsoft needs more information on claim %(ref)s: %(reasons)s. Answer soon, or the claim is rejected "
        "automatically."
    ),
    # An approved incumbent asked in arbitration: its approval is not at stake until the award.
    "info_requested_incumbent": _(
        "Microsoft needs more information on claim %(ref)s to decide the competing claims: %(reasons)s. Answer by "
        "%(due)s. Your association stays valid until the decision."
    ),
    "info_requested_incumbent_undated": _(
        "Microsoft needs more information on claim %(ref)s to decide the competing claims: %(reasons)s. Your "
        "association stays valid until the decision."
    ),
    "decision_approved": _("Claim %(ref)s was approved."),
    # The winner of an arbitration award (data ``case_won``), never naming the other partners.
    "decision_case_won": _(
        "Claim %(ref)s was approved: Microsoft decided the competing claims for this customer and product in its "
        "favour."
    ),
    "decision_case_won_incumbent": _(
        "Microsoft decided the competing claims for this customer and product in favour of claim %(ref)s: its "
        "association stays valid."
    ),
    "decision_rejected": _("Claim %(ref)s was rejected: %(reason)s. You can dispute the decision within 30 days."),
    # a rejection after a dispute: no second dispute
    "decision_rejected_final": _(
        "Claim %(ref)s was rejected: %(reason)s. The decision is final; to claim again, file a new claim."
    ),
    "decision_under_review": _("Microsoft reopened the review of claim %(ref)s."),
    "decision": _("There is a decision on claim %(ref)s."),
    "reviewer_reminder": _("The %(deadline)s deadline of claim %(ref)s is %(due)s, within one business day."),
    "partner_reminder": _(
        "Microsoft is waiting for your answer on claim %(ref)s. Answer by %(due)s, or the claim is rejected "
        "automatically."
    ),
    "escalation": _("Claim %(ref)s missed its %(deadline)s deadline (%(due)s)."),
    "association_ended": _("The association of claim %(ref)s ended: %(reason)s."),
    "association_ended_subscription": _(
        "The association of claim %(ref)s ended: %(reason)s. To keep the association, claim the customer's "
        "new subscription with a new claim."
    ),
    "subscription_claimable": _("The subscription on your draft %(ref)s is now provisioned. You can submit the claim."),
    "partner_responded": _("The partner answered Microsoft's request on claim %(ref)s."),
    "withdrawn": _("The partner withdrew claim %(ref)s."),
    "disputed": _("The partner disputed the rejection of claim %(ref)s."),
    "assigned": _("Claim %(ref)s was assigned to you."),
    "poe_added": _("The partner added proof of execution to claim %(ref)s."),
    "dispute_window_closed": _("The 30-day dispute window of claim %(ref)s closed. To claim again, file a new claim."),
    "draft_expiring": _(
        "Nobody has changed the draft %(ref)s for a long time: it expires on %(expires)s unless someone saves it."
    ),
    # To the assignee: the customer declined through the consent link (consent.services).
    "customer_declined": _("The customer declined claim %(ref)s on the consent page."),
}
# An escalation digest (claims.jobs.sweep: the claims one sweep found past their review
# deadline, for one lead): "count" claims, the first few of them named in "claims".
DIGEST_SUBJECT = ngettext_lazy(
    "Deadline missed: %(number)s claim",
    "Deadlines missed: %(number)s claims",
    "count",
)
DIGEST_SENTENCE = ngettext_lazy(
    "%(number)s claim missed its review deadline: %(refs)s.",
    "%(number)s claims missed their review deadline: %(refs)s.",
    "count",
)
DIGEST_SENTENCE_MORE = ngettext_lazy(
    "%(number)s claim missed its review deadline, among them %(refs)s.",
    "%(number)s claims missed their review deadline, among them %(refs)s.",
    "count",
)
FALLBACK_SENTENCE = _("There is news on claim %(ref)s.")
FALLBACK_SUBJECT = _("News on %(ref)s")

DEADLINE_NAMES = {
    "review_start": _("review start"),
    "decision": _("decision"),
    "partner_response": _("partner response"),
}

SUBSCRIPTION_END_REASONS = ("subscription_expired", "subscription_disabled")


def _when(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _values(n) -> dict:
    data = n.data or {}
    reason_labels = {**dict(RejectionReason.choices), **dict(EndReason.choices)}
    info_labels = dict(InfoRequestReason.choices)
    return {
        # The claim by its name and reference ("“Contoso rollout” (CPOR-000042)"): the recipient's
        # own claim (a partner is only told about its company's claims) or, for reviewers, any.
        "ref": claim_label(n.claim_id, n.claim.name if n.claim_id else ""),
        "reason": str(reason_labels.get(data.get("reason", ""), data.get("reason", ""))),
        "reasons": "; ".join(str(info_labels.get(r, r)) for r in data.get("reasons", [])),
        "deadline": str(DEADLINE_NAMES.get(data.get("due_kind", ""), data.get("due_kind", ""))),
        "due": _when(data.get("due_at")),
        "expires": _when(data.get("expires_at")),
    }


def is_digest(n) -> bool:
    """An escalation naming several claims (``data["count"]``) rather than one claim."""
    return n.kind == "escalation" and isinstance((n.data or {}).get("count"), int)


def _digest_values(n) -> dict:
    data = n.data or {}
    count = data["count"]
    refs = [claim_reference(pk) for pk in data.get("claims", []) if isinstance(pk, int)]
    return {"count": count, "number": formats.number_format(count, force_grouping=True), "refs": ", ".join(refs)}


def _digest_template(n, values: dict):
    named = len((n.data or {}).get("claims", []))
    return DIGEST_SENTENCE_MORE if values["count"] > named else DIGEST_SENTENCE


def _digest_sentence(n) -> str:
    values = _digest_values(n)
    return _digest_template(n, values) % values


def _format(template, values: dict) -> str:
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(FALLBACK_SENTENCE) % values


def notification_sentence(n) -> str:
    """The human sentence for one notification, in the active language."""
    if is_digest(n):
        return _digest_sentence(n)
    data = n.data or {}
    key = n.kind
    if n.kind == "decision" and data.get("case_won"):
        key = "decision_case_won_incumbent" if data.get("incumbent") else "decision_case_won"
    elif n.kind == "decision":
        key = f"decision_{data.get('status', '')}{'_final' if data.get('final') else ''}"
    elif n.kind == "info_requested" and data.get("incumbent"):
        key = "info_requested_incumbent" if data.get("due_at") else "info_requested_incumbent_undated"
    elif n.kind == "info_requested" and not data.get("due_at"):
        key = "info_requested_undated"
    elif n.kind == "association_ended" and data.get("reason") in SUBSCRIPTION_END_REASONS:
        key = "association_ended_subscription"
    template = SENTENCES.get(key) or SENTENCES.get(n.kind) or FALLBACK_SENTENCE
    return _format(template, _values(n))


def notification_subject(n) -> str:
    if is_digest(n):
        return DIGEST_SUBJECT % _digest_values(n)
    return _format(SUBJECTS.get(n.kind, FALLBACK_SUBJECT), _values(n))


def _reverse_first(candidates) -> str:
    for name, args in candidates:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return reverse("notifications:list")


def claim_path(claim_id, *, for_reviewer: bool) -> str:
    """Where a notification about a claim takes its reader: the review screen for reviewers,
    the partner's claim page otherwise (each falling back while a page does not exist)."""
    if not claim_id:
        return reverse("notifications:list")
    if for_reviewer:
        return _reverse_first([("review:claim", [claim_id]), ("review:queue", [])])
    return _reverse_first([("claims:detail", [claim_id]), ("claims:list", [])])


def overdue_queue_path(*, assigned_to_me: bool = False) -> str:
    """The review queue filtered on claims past their deadline (``review.filters``)."""
    try:
        path = reverse("review:queue")
    except NoReverseMatch:
        return reverse("notifications:list")
    query = {"sla": OVERDUE, **({"assigned": ME} if assigned_to_me else {})}
    return f"{path}?{urlencode(query)}"


def notification_path(n, *, for_reviewer: bool) -> str:
    """Where a notification takes its reader: a digest to the overdue claims in the queue,
    anything about one claim to that claim, the rest nowhere ("")."""
    if is_digest(n):
        return overdue_queue_path(assigned_to_me=bool((n.data or {}).get("assigned")))
    return claim_path(n.claim_id, for_reviewer=for_reviewer) if n.claim_id else ""


def digest_claims(n, *, for_reviewer: bool) -> list[tuple[str, str]]:
    """A digest's named claims as ``(reference, path)``; empty for any other notification."""
    if not is_digest(n):
        return []
    ids = [pk for pk in (n.data or {}).get("claims", []) if isinstance(pk, int)]
    return [(claim_reference(pk), claim_path(pk, for_reviewer=for_reviewer)) for pk in ids]


def digest_sentence_html(n, *, for_reviewer: bool, absolute_urls: bool = False) -> str:
    """A digest's sentence as HTML with each named claim a link (every part escaped)."""
    marker = "\ue000"  # a private-use character: stands for the references while escaping
    values = _digest_values(n)
    sentence = str(_digest_template(n, values) % {**values, "refs": marker})
    links = [
        format_html('<a href="{}">{}</a>', absolute(path) if absolute_urls else path, ref)
        for ref, path in digest_claims(n, for_reviewer=for_reviewer)
    ]
    return mark_safe(escape(sentence).replace(marker, ", ".join(links)))  # noqa: S308 (escaped above)


def reclaim_path(n) -> str:
    """For an association ended with its subscription: the prefilled reclaim form (with the
    renewed subscription when the re-check found one), else the claim page."""
    if n.kind != "association_ended" or (n.data or {}).get("reason") not in SUBSCRIPTION_END_REASONS:
        return ""
    try:
        path = reverse("claims:reclaim", args=[n.claim_id])
    except NoReverseMatch:
        return claim_path(n.claim_id, for_reviewer=False)
    renewed = (n.data or {}).get("renewed_subscription")
    return f"{path}?{urlencode({'subscription': renewed})}" if renewed else path


def open_path(n) -> str:
    """The link a notification shows (on its list and in its e-mail): it marks the notification
    read and goes on to ``notification_path``; "" for one that leads nowhere."""
    return reverse("notifications:open", args=[n.pk]) if n.claim_id or is_digest(n) else ""


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path else ""

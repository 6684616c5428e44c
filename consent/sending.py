"""Sending the consent e-mails to customer contacts (who are not users: the notification outbox
writes to users only, so these rows are their own outbox, sent the same way).

Each row due is claimed with a conditional UPDATE (pending → sending) before it is sent, so
two workers never send the same e-mail; a row left in *sending* by a killed worker is due again
after ``notifications.sending.STALE_AFTER``, and every send of one row carries the same
``Message-ID`` (``<cpor-consent-<id>@host>``), so a repeat is recognisably the same message. A
failure backs off as the outbox does and gives up after ``MAX_ATTEMPTS``; a server that refuses
the recipient marks the row *bounced* (audited: reviewers and the partner see it). A row that
no longer needs its e-mail (a newer link replaced it, it expired, the customer decided, the
claim was withdrawn or decided meanwhile) is *cancelled* instead of sent.

Called right after the commit that opened the link (``consent.requests``) and every minute by
``consent.tasks.send_pending_consent_emails``, the safety net.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from audit.services import audit_record
from claims.states import sources
from consent.models import ConsentRequest, EmailState
from consent.tokens import link_token
from notifications.sending import send_outbox

log = logging.getLogger(__name__)
# The statuses in which the customer's answer still counts: awaiting a decision, or approved.
SENDABLE_STATUSES = frozenset((*sources("customer_decline"), *sources("end")))


def message_id(row: ConsentRequest) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "cpor.invalid"
    return f"<cpor-consent-{row.pk}@{host}>"


def consent_url(row: ConsentRequest) -> str:
    return f"{settings.SITE_URL}{reverse('consent:page', args=[link_token(row.token_salt)])}"


def window_days():
    """``CONSENT_WINDOW``: business days after an approval, or None for "at any time"."""
    window = settings.CONSENT_WINDOW
    return None if window == "any" else int(window)


def email_context(row: ConsentRequest) -> dict:
    """What the e-mail says (in the active language): this claim's partner, customer, activity
    and products only."""
    claim = row.claim
    return {
        "partner": claim.partner.name,
        "contact_name": claim.customer_contact_name,
        "customer": claim.tenant.name if claim.tenant_id else claim.customer_domain,
        "domain": claim.customer_domain,
        "activity": claim.get_activity_display(),
        "solution_area": claim.get_solution_area_display(),
        "products": [product.name for product in claim.products.order_by("name")],
        "reference": claim.reference,
        "url": consent_url(row),
        "expires": formats.date_format(timezone.localtime(row.expires_at), "DATE_FORMAT"),
        "window_days": window_days(),
        "language": row.language,
    }


def render_consent_email(row: ConsentRequest) -> EmailMultiAlternatives:
    """The e-mail to the customer contact, in the row's language (subject, text, HTML)."""
    with translation.override(row.language):
        context = email_context(row)
        subject = render_to_string("consent/email/subject.txt", context).strip().replace("\n", " ")
        text = render_to_string("consent/email/body.txt", context)
        html = render_to_string("consent/email/body.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [row.email],
        headers={"Content-Language": row.language, "Message-ID": message_id(row), "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def _needed(row: ConsentRequest, now) -> bool:
    return (
        row.superseded_at is None
        and row.declined_at is None
        and row.expires_at > now
        and bool(row.email)
        and row.claim.status in SENDABLE_STATUSES
    )


def send_consent_emails(*, ids=None, limit: int = 1000, now=None) -> dict:
    """Send up to ``limit`` due consent e-mails (only ``ids``, when given); returns the counts
    of rows this run marked sent, failed (put back or given up), bounced and cancelled. The
    loop is the outbox's own (``notifications.sending.send_outbox``)."""
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0, "bounced": 0, "cancelled": 0}

    def bounced(row, attempts, exc):
        ConsentRequest.objects.filter(pk=row.pk).update(
            email_state=EmailState.BOUNCED, email_attempts=attempts, email_error=repr(exc)[:300]
        )
        audit_record(action="consent.email.bounced", claim=row.claim, data={"request": row.pk, "email": row.email})
        counts["bounced"] += 1

    return send_outbox(
        model=ConsentRequest,
        states=EmailState,
        load=lambda pk: ConsentRequest.objects.select_related("claim", "claim__partner", "claim__tenant").get(pk=pk),
        skip=lambda row: None if _needed(row, now) else EmailState.CANCELLED,
        render=render_consent_email,
        counts=counts,
        skip_count="cancelled",
        limit=limit,
        now=now,
        ids=ids,
        refused=bounced,
    )

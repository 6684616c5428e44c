"""Opening a consent link and starting an approval's opt-out window: the steps the claim's own
use cases call inside their transaction (submission, an edit of the customer's address, a
reviewer's resend, an approval). The customer's decisions are ``consent.services``.

A link is e-mailed after the commit: in-process without a broker (``make run``), else through
``consent.tasks.send_consent_email`` queued by name (this module is a leaf that the claim
services call, so it imports no task module), with one connection attempt and no retries so a
request never waits on a dead broker; the periodic ``send_pending_consent_emails`` sends
whatever missed that shortcut.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Greatest, Upper

from audit.services import audit_record
from consent.models import ConsentRequest, EmailState, Occasion
from consent.sending import send_consent_emails, window_days
from consent.tokens import link_token, new_salt, token_hash
from cpor_portal.celery import app
from lib import clock
from lib.broker import queue_task_quickly
from lib.business_days import business_days_after

log = logging.getLogger(__name__)
SEND_TASK = "consent.tasks.send_consent_email"


def window_end(approved_at: dt.datetime) -> dt.datetime | None:
    """Until when the customer may decline an approval made at ``approved_at``: ``CONSENT_WINDOW``
    business days later (0: at once), or None when the customer may decline at any time."""
    days = window_days()
    if days is None:
        return None
    return approved_at if days == 0 else business_days_after(approved_at, days)


def link_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.CONSENT_LINK_DAYS)


def consent_current(claim_id: int) -> ConsentRequest | None:
    """The claim's current link (the one a newer link has not replaced), if it has one."""
    return ConsentRequest.objects.filter(claim_id=claim_id, superseded_at__isnull=True).first()


def _valid_language(code: str) -> str:
    return code if code in dict(settings.LANGUAGES) else ""


def email_language(*, email: str, previous: ConsentRequest | None, user=None) -> str:
    """The customer's language if known (the page's language when they last decided on a link
    to this address), else the previous link's, else the partner's (the person who filed),
    else the portal's default."""
    if email:
        known = (
            ConsentRequest.objects.annotate(address=Upper("email"))
            .filter(address=email.upper())
            .exclude(customer_language="")
            .order_by("-id")
            .values_list("customer_language", flat=True)
            .first()
        )
        if _valid_language(known or ""):
            return known
    if previous is not None and _valid_language(previous.language):
        return previous.language
    return _valid_language(getattr(user, "language", "") or "") or settings.LANGUAGE_CODE


def consent_request_open(*, claim, actor, occasion: str, now=None) -> ConsentRequest:
    """A new consent link for the claim's customer contact, replacing the current one (which
    stops working at once). The caller runs in a transaction and holds the claim's row lock.
    Without a customer e-mail address the row says so (*missing*) and nothing is sent; otherwise
    the e-mail goes out after the commit. An approval's window carries over to the new link.
    Audited as ``consent.request.opened``."""
    now = now or clock.now()
    previous = ConsentRequest.objects.select_for_update().filter(claim_id=claim.pk, superseded_at__isnull=True).first()
    if previous is not None:
        unsent = previous.email_state in (EmailState.PENDING, EmailState.SENDING)
        ConsentRequest.objects.filter(pk=previous.pk).update(
            superseded_at=now, **({"email_state": EmailState.CANCELLED} if unsent else {})
        )
    email = (claim.customer_contact_email or "").strip()
    window = previous.window_ends_at if previous is not None and previous.final_at is None else None
    expires = now + link_lifetime()
    salt = new_salt()
    row = ConsentRequest.objects.create(
        claim=claim,
        occasion=occasion,
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        token_salt=salt,
        token_hash=token_hash(link_token(salt)),
        email=email,
        language=email_language(email=email, previous=previous, user=actor),
        created_at=now,
        expires_at=max(expires, window) if window else expires,
        window_ends_at=window,
        email_state=EmailState.PENDING if email else EmailState.MISSING,
    )
    audit_record(
        action="consent.request.opened",
        actor=actor,
        claim=claim,
        data={
            "request": row.pk,
            "occasion": occasion,
            "email": email,
            "email_state": row.email_state,
            **({"replaces": previous.pk} if previous is not None else {}),
        },
    )
    if email:
        transaction.on_commit(lambda: send_consent_email_now(row.pk))
    return row


def consent_address_changed(*, claim, actor) -> ConsentRequest | None:
    """The partner changed the customer contact's e-mail address on a submitted claim: the link
    sent to the old address stops working and the new address gets one, unless the customer
    has declined already. The caller holds the claim's row lock."""
    current = consent_current(claim.pk)
    if current is not None and current.declined_at is not None:
        return None
    return consent_request_open(claim=claim, actor=actor, occasion=Occasion.ADDRESS_CHANGED)


def consent_window_start(*, claim, approved_at) -> None:
    """The locked claim was approved at ``approved_at``: its customer may decline until the
    window closes (``CONSENT_WINDOW``), and the link works at least that long. A claim filed
    before consent links existed has none: its approval is final at once."""
    ends = window_end(approved_at)
    changes = {"window_ends_at": ends, "final_at": None}
    if ends is not None:
        changes["expires_at"] = Greatest("expires_at", Value(ends))
    ConsentRequest.objects.filter(claim_id=claim.pk, superseded_at__isnull=True).update(**changes)


def send_consent_email_now(pk: int) -> bool:
    """Send one link's e-mail now (after its commit). Never raises: if the broker is away the
    row stays pending for the periodic send. Without a broker (``CELERY_TASK_ALWAYS_EAGER``)
    it is sent here."""
    if app.conf.task_always_eager:
        try:
            send_consent_emails(ids=[pk])
        except Exception:  # as an eager task's failure: logged, the row stays pending
            log.warning("sending consent e-mail %s failed; it stays pending", pk, exc_info=True)
        return True
    return queue_task_quickly(SEND_TASK, args=[pk], what="a consent e-mail (it stays pending for the periodic send)")

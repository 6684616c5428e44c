"""Sending the e-mail outbox.

Each pending row is claimed with a conditional UPDATE (pending → sending) before it is sent,
so two workers never send the same row. A failed send puts the row back to pending with an
exponential backoff (``email_next_attempt_at``) until ``MAX_ATTEMPTS``; a row stuck in
``sending`` (worker killed between claiming and marking) is retried after ``STALE_AFTER``
(``EMAIL_STALE_AFTER_SECONDS``, 2 minutes: a send takes milliseconds). That last case is the
one place a message can go out twice: SMTP has no transactions, so delivery is at-least-once
in a window of milliseconds, while the notification row itself exists exactly once. Every
message of one notification carries the same ``Message-ID`` (``message_id``), so a resend is
recognisably the same message: mail clients and list servers drop the duplicate.

When the mail server itself is unreachable (several sends in a row fail with a connection
error) the batch stops and ``MailServerUnavailable`` is raised, so the Celery task retries
with backoff instead of burning every row's attempts.
"""

import datetime as dt
import logging
import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lib import metrics
from notifications.models import EmailState, Notification
from notifications.texts import (
    absolute,
    digest_claims,
    digest_sentence_html,
    is_digest,
    notification_sentence,
    notification_subject,
    open_path,
    reclaim_path,
)

log = logging.getLogger(__name__)
BATCH = 200
STALE_AFTER = dt.timedelta(seconds=getattr(settings, "EMAIL_STALE_AFTER_SECONDS", 120))
MAX_ATTEMPTS = 5
BACKOFF_BASE = dt.timedelta(minutes=2)
BACKOFF_MAX = dt.timedelta(hours=6)
STOP_AFTER_CONNECTION_ERRORS = 3
CONNECTION_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError)


class MailServerUnavailable(Exception):
    """The mail server did not answer; the task retries later. ``counts`` is what the run did
    before it stopped (its log line says so)."""

    def __init__(self, message: str, counts: dict | None = None):
        super().__init__(message)
        self.counts = counts or {"sent": 0, "failed": 0, "skipped": 0}


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt ``attempts + 1``: 2, 4, 8, 16 … minutes, at most 6 hours."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def email_language(user) -> str:
    language = getattr(user, "language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def message_id(notification: Notification) -> str:
    """The notification's ``Message-ID``: the same for every send of it (a resend after a crash
    is the same message), unique across notifications and installations (``SITE_URL``'s host)."""
    host = urlsplit(settings.SITE_URL).hostname or "cpor.invalid"
    return f"<cpor-notification-{notification.pk}@{host}>"


def render_email(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail for one notification, in its recipient's language (subject, text, HTML); a
    digest lists its named claims and links to the queue's overdue claims."""
    recipient = notification.recipient
    language = email_language(recipient)
    for_reviewer = bool(recipient.is_reviewer)
    with translation.override(language):
        context = {
            "n": notification,
            "recipient": recipient,
            "name": recipient.display_name,
            "subject": notification_subject(notification),
            "sentence": notification_sentence(notification),
            # Through the notification's own link, so opening the e-mail's link marks it read.
            "claim_url": absolute(open_path(notification)) if notification.claim_id else "",
            # A digest (several claims past their deadline): each named claim, and the queue.
            "sentence_html": digest_sentence_html(notification, for_reviewer=for_reviewer, absolute_urls=True)
            if is_digest(notification)
            else "",
            "claims": [(ref, absolute(path)) for ref, path in digest_claims(notification, for_reviewer=for_reviewer)],
            "queue_url": absolute(open_path(notification)) if is_digest(notification) else "",
            "reclaim_url": "" if for_reviewer else absolute(reclaim_path(notification)),
            "list_url": absolute(_list_path()),
            "site_url": settings.SITE_URL,
            "language": language,
        }
        subject = render_to_string("notifications/email/subject.txt", context).strip().replace("\n", " ")
        text = render_to_string("notifications/email/body.txt", context)
        html = render_to_string("notifications/email/body.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [recipient.email],
        headers={
            "Content-Language": language,
            "X-CPOR-Notification": str(notification.pk),
            "Message-ID": message_id(notification),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _list_path() -> str:
    from django.urls import reverse

    return reverse("notifications:list")


def _crosses_partners(notification: Notification) -> bool:
    """Defence in depth: a partner user is never e-mailed about another company's claim."""
    membership = notification.recipient.partner_membership
    return bool(membership and notification.claim and notification.claim.partner_id != membership.partner_id)


def send_outbox(
    *, model, states, load, skip, render, counts: dict, skip_count: str, limit: int, now, ids=None, refused=None
) -> dict:
    """The sending loop every outbox table shares (``Notification`` here, the customer's
    consent e-mails in ``consent.sending``): the due rows in id order, each claimed with a
    conditional UPDATE (pending → sending, or a stale "sending"), then skipped (``skip(row)``
    returns the state to leave it in), or sent in one SMTP session for the whole run. A failed
    send goes back to pending with backoff until ``MAX_ATTEMPTS`` (never for an unreachable
    server); several connection errors in a row stop the run (``MailServerUnavailable``, with
    the counts so far). ``refused(row, attempts, exc)``, when given, handles a recipient the
    server refused instead. ``states`` has the table's PENDING / SENDING / SENT / FAILED."""
    due = Q(email_state=states.PENDING) & (
        Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now)
    ) | Q(email_state=states.SENDING, email_claimed_at__lt=now - STALE_AFTER)
    connection = get_connection()
    connection_errors = 0
    opened = False
    last_id = 0
    try:
        while sum(counts.values()) < limit:
            candidates = model.objects.filter(due, id__gt=last_id)
            if ids is not None:
                candidates = candidates.filter(id__in=list(ids))
            batch = list(candidates.order_by("id").values_list("id", flat=True)[:BATCH])
            if not batch:
                break
            for pk in batch:
                last_id = pk
                if model.objects.filter(due, pk=pk).update(email_state=states.SENDING, email_claimed_at=now) != 1:
                    continue  # another worker took it
                row = load(pk)
                left_as = skip(row)
                if left_as:
                    model.objects.filter(pk=pk).update(email_state=left_as)
                    counts[skip_count] += 1
                    continue
                attempts = row.email_attempts + 1
                try:
                    if not opened:
                        connection.open()  # one SMTP session for the whole run
                        opened = True
                    connection.send_messages([render(row)])
                except Exception as exc:
                    if refused is not None and isinstance(exc, smtplib.SMTPRecipientsRefused):
                        refused(row, attempts, exc)
                        continue
                    log.warning("sending %s %s failed (attempt %s): %r", model._meta.model_name, pk, attempts, exc)
                    metrics.dependency_failed("smtp")
                    # A mail server that is away is not the message's fault: never give up on it.
                    gave_up = attempts >= MAX_ATTEMPTS and not isinstance(exc, CONNECTION_ERRORS)
                    model.objects.filter(pk=pk).update(
                        email_state=states.FAILED if gave_up else states.PENDING,
                        email_attempts=attempts,
                        email_next_attempt_at=None if gave_up else now + backoff(attempts),
                        email_error=repr(exc)[:300],
                    )
                    counts["failed"] += 1
                    if isinstance(exc, CONNECTION_ERRORS):
                        opened = _close_quietly(connection)
                        connection_errors += 1
                        if connection_errors >= STOP_AFTER_CONNECTION_ERRORS:
                            raise MailServerUnavailable(repr(exc), counts) from exc
                    continue
                connection_errors = 0
                model.objects.filter(pk=pk).update(
                    email_state=states.SENT,
                    email_sent_at=timezone.now(),
                    email_attempts=attempts,
                    email_next_attempt_at=None,
                    email_error="",
                )
                counts["sent"] += 1
                if sum(counts.values()) >= limit:
                    break
    finally:
        _close_quietly(connection)
    return counts


def _skip_notification(n: Notification):
    if not n.recipient.email or not n.recipient.is_active or _crosses_partners(n):
        return EmailState.SKIPPED
    return None


def send_pending(*, limit: int = 10_000, now=None) -> dict:
    """Send up to ``limit`` due e-mails from the outbox; returns counts."""
    return send_outbox(
        model=Notification,
        states=EmailState,
        load=lambda pk: Notification.objects.select_related("recipient", "claim").get(pk=pk),
        skip=_skip_notification,
        render=render_email,
        counts={"sent": 0, "failed": 0, "skipped": 0},
        skip_count="skipped",
        limit=limit,
        now=now or timezone.now(),
    )


def _close_quietly(connection) -> bool:
    try:
        connection.close()
    except Exception:  # closing a broken SMTP connection may fail too
        log.debug("closing the mail connection failed", exc_info=True)
    return False

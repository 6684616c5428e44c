"""Sending the consent e-mails: claimed once (a second run or a re-delivered task sends
nothing), the same Message-ID on every send, a refused recipient is *bounced*, a failure backs
off, a link no longer needed is cancelled; the tasks and the eager and broker paths."""

import datetime as dt
import smtplib
import time

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from claims.services import claim_submit, claim_withdraw
from consent import tasks
from consent.models import ConsentRequest, EmailState
from consent.requests import send_consent_email_now
from consent.sending import message_id, send_consent_emails
from notifications.sending import STALE_AFTER

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(draft, contoso_admin):
    """A submitted claim whose e-mail is still pending (the commit hook did not run)."""
    claim_submit(claim=draft, user=contoso_admin)
    return ConsentRequest.objects.get(claim=draft)


def test_each_email_is_sent_once(pending):
    assert send_consent_emails() == {"sent": 1, "failed": 0, "bounced": 0, "cancelled": 0}
    assert send_consent_emails() == {"sent": 0, "failed": 0, "bounced": 0, "cancelled": 0}
    assert tasks.send_consent_email(pending.pk)["sent"] == 0  # a re-delivered task does nothing
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == message_id(pending) == f"<cpor-consent-{pending.pk}@127.0.0.1>"
    pending.refresh_from_db()
    assert pending.email_state == EmailState.SENT and pending.email_sent_at and pending.email_attempts == 1


def test_a_row_left_sending_is_sent_again_with_the_same_message_id(pending):
    claimed = timezone.now() - STALE_AFTER - dt.timedelta(seconds=1)
    ConsentRequest.objects.filter(pk=pending.pk).update(email_state=EmailState.SENDING, email_claimed_at=claimed)
    assert send_consent_emails()["sent"] == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id(pending)


def test_a_row_another_worker_is_sending_is_left_alone(pending):
    ConsentRequest.objects.filter(pk=pending.pk).update(email_state=EmailState.SENDING, email_claimed_at=timezone.now())
    assert send_consent_emails()["sent"] == 0
    assert not mail.outbox


def test_a_refused_recipient_is_bounced(pending, monkeypatch):
    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"ada@customer.example": (550, b"No such user")})

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    assert send_consent_emails()["bounced"] == 1
    pending.refresh_from_db()
    assert pending.email_state == EmailState.BOUNCED and "550" in pending.email_error
    assert AuditEvent.objects.filter(action="consent.email.bounced", claim_id=pending.claim_id).exists()


def test_a_failure_backs_off_and_gives_up(pending, monkeypatch):
    def fail(self, messages):
        raise smtplib.SMTPDataError(451, b"Try later")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", fail)
    assert send_consent_emails()["failed"] == 1
    pending.refresh_from_db()
    assert pending.email_state == EmailState.PENDING and pending.email_next_attempt_at > timezone.now()
    assert send_consent_emails()["failed"] == 0  # waiting for its next attempt
    ConsentRequest.objects.filter(pk=pending.pk).update(email_attempts=4, email_next_attempt_at=None)
    send_consent_emails()
    pending.refresh_from_db()
    assert pending.email_state == EmailState.FAILED


def test_a_link_no_longer_needed_is_not_sent(pending, contoso_admin):
    claim_withdraw(claim=pending.claim, user=contoso_admin)
    assert send_consent_emails()["cancelled"] == 1
    pending.refresh_from_db()
    assert pending.email_state == EmailState.CANCELLED and not mail.outbox


def test_without_a_broker_the_email_goes_out_at_once(pending, settings):
    assert send_consent_email_now(pending.pk) is True  # the suite runs tasks eagerly
    assert len(mail.outbox) == 1


def test_with_the_broker_away_the_row_waits_for_the_periodic_send(pending):
    from cpor_portal.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False  # nothing listens
    app._pool = None
    try:
        started = time.monotonic()
        assert send_consent_email_now(pending.pk) is False
        assert time.monotonic() - started < 5  # one attempt, no retries
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool = None
    assert not mail.outbox
    assert tasks.send_pending_consent_emails()["sent"] == 1  # the safety net

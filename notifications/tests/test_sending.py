"""The e-mail outbox: language per recipient, links per side, privacy, retries with backoff."""

import datetime as dt
import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import Client
from django.utils import timezone, translation

from claims.services import claim_approve, comment_add
from notifications import sending
from notifications.models import EmailState, Notification
from notifications.sending import MAX_ATTEMPTS, MailServerUnavailable, send_pending
from notifications.services import notify_users
from notifications.tasks import send_pending_notifications
from notifications.tests.helpers import under_review

pytestmark = pytest.mark.django_db


class RefusesOneAddress(LocmemBackend):
    """Fails for one recipient, as an SMTP server refusing a mailbox would."""

    refused = "contoso.viewer@example.com"

    def send_messages(self, messages):
        for message in messages:
            if self.refused in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"mailbox unavailable")})
        return super().send_messages(messages)


class ServerDown(LocmemBackend):
    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")


def test_decision_mail_in_each_recipients_language(draft, contoso_admin, contoso_viewer, reviewer1, monkeypatch):
    type(contoso_viewer).objects.filter(pk=contoso_viewer.pk).update(language="sv")
    languages = {}
    real = sending.notification_subject

    def spy(n):
        languages[n.recipient.username] = translation.get_language()
        return real(n)

    monkeypatch.setattr(sending, "notification_subject", spy)
    claim = claim_approve(claim=under_review(draft, contoso_admin, reviewer1), user=reviewer1)
    mail.outbox.clear()

    assert send_pending() == {"sent": 2, "failed": 0, "skipped": 0}
    by_to = {m.to[0]: m for m in mail.outbox}
    assert languages == {"contoso.admin": "en", "contoso.viewer": "sv"}
    assert by_to["contoso.viewer@example.com"].extra_headers["Content-Language"] == "sv"
    english = by_to["contoso.admin@example.com"]
    assert english.extra_headers["Content-Language"] == "en"
    # The claim by its name and reference (notifications.texts, claims.references.claim_label).
    assert english.subject == f"CPOR Portal: Decision on “{claim.name}” ({claim.reference})"
    assert f"Claim “{claim.name}” ({claim.reference}) was approved." in english.body
    # The notification's own link: it marks the notification read and opens the claim page.
    mine = Notification.objects.get(recipient__username="contoso.admin")
    assert f"http://127.0.0.1:8000/notifications/{mine.pk}/open/" in english.body
    html = english.alternatives[0]
    assert html[1] == "text/html" and f"/notifications/{mine.pk}/open/" in html[0]
    assert Notification.objects.filter(email_state=EmailState.SENT).count() == 2


def test_reviewer_mail_links_to_the_review_screen(draft, contoso_admin, reviewer1):
    claim = under_review(draft, contoso_admin, reviewer1)
    comment_add(claim=claim, user=contoso_admin, body="We added the signed PoE.")
    mail.outbox.clear()
    send_pending()
    (message,) = [m for m in mail.outbox if m.to == [reviewer1.email]]
    n = Notification.objects.get(recipient=reviewer1, kind="comment")
    assert f"/notifications/{n.pk}/open/" in message.body
    client = Client()
    client.force_login(reviewer1)
    assert client.get(f"/notifications/{n.pk}/open/")["Location"] == f"/review/claims/{claim.pk}/"
    assert "We added the signed PoE." not in message.body  # comments are read in the portal


def test_partner_mail_never_names_another_partner_or_an_mpn(
    draft, contoso_admin, contoso_mpn, fabrikam_admin, fabrikam_mpn, reviewer1
):
    claim = under_review(draft, contoso_admin, reviewer1)
    comment_add(
        claim=claim, user=reviewer1, body="Fabrikam also claims this. Internal: check MPN 2000001.", internal=True
    )
    comment_add(claim=claim, user=reviewer1, body="Please add the customer's signature.")
    claim_approve(claim=claim, user=reviewer1, message="Approved.")
    mail.outbox.clear()
    send_pending()
    partner_mail = [m for m in mail.outbox if m.to == [contoso_admin.email]]
    assert sorted(m.subject for m in partner_mail) == [
        f"CPOR Portal: Decision on “{claim.name}” ({claim.reference})",
        f"CPOR Portal: New comment on “{claim.name}” ({claim.reference})",
    ]
    for message in partner_mail:
        text = message.subject + message.body + message.alternatives[0][0]
        for secret in ("Fabrikam", fabrikam_mpn.number, contoso_mpn.number, "Internal", "signature"):
            assert secret not in text


def test_a_partner_is_never_mailed_about_another_partners_claim(draft, fabrikam_admin):
    notify_users(user_ids=[fabrikam_admin.pk], kind="comment", claim=draft)
    assert send_pending() == {"sent": 0, "failed": 0, "skipped": 1}
    assert not mail.outbox


def test_inactive_or_addressless_recipients_are_skipped(draft, contoso_admin, contoso_viewer):
    type(contoso_admin).objects.filter(pk=contoso_admin.pk).update(is_active=False)
    type(contoso_viewer).objects.filter(pk=contoso_viewer.pk).update(email="")
    notify_users(user_ids=[contoso_admin.pk, contoso_viewer.pk], kind="comment", claim=draft)
    assert send_pending() == {"sent": 0, "failed": 0, "skipped": 2}
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SKIPPED}


def test_one_failing_send_is_retried_later_with_backoff(draft, contoso_admin, contoso_viewer, settings):
    settings.EMAIL_BACKEND = "notifications.tests.test_sending.RefusesOneAddress"
    notify_users(user_ids=[contoso_admin.pk, contoso_viewer.pk], kind="comment", claim=draft)
    now = timezone.now()

    assert send_pending(now=now) == {"sent": 1, "failed": 1, "skipped": 0}
    failed = Notification.objects.get(recipient=contoso_viewer)
    assert failed.email_state == EmailState.PENDING and failed.email_attempts == 1
    assert failed.email_next_attempt_at == now + dt.timedelta(minutes=2)
    assert "SMTPRecipientsRefused" in failed.email_error

    assert send_pending(now=now + dt.timedelta(minutes=1)) == {"sent": 0, "failed": 0, "skipped": 0}  # backing off

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_pending(now=now + dt.timedelta(minutes=3)) == {"sent": 1, "failed": 0, "skipped": 0}
    failed.refresh_from_db()
    assert failed.email_state == EmailState.SENT and failed.email_attempts == 2 and failed.email_error == ""
    assert [m.to for m in mail.outbox] == [[contoso_admin.email], [contoso_viewer.email]]


def test_gives_up_after_max_attempts(draft, contoso_viewer, settings):
    settings.EMAIL_BACKEND = "notifications.tests.test_sending.RefusesOneAddress"
    notify_users(user_ids=[contoso_viewer.pk], kind="comment", claim=draft)
    now = timezone.now()
    for attempt in range(MAX_ATTEMPTS):
        send_pending(now=now + dt.timedelta(days=attempt))
    n = Notification.objects.get()
    assert n.email_state == EmailState.FAILED and n.email_attempts == MAX_ATTEMPTS


def test_mail_server_down_stops_the_batch_for_a_task_retry(
    draft, contoso_admin, contoso_viewer, lead, reviewer1, settings
):
    settings.EMAIL_BACKEND = "notifications.tests.test_sending.ServerDown"
    notify_users(user_ids=[contoso_admin.pk, contoso_viewer.pk, lead.pk, reviewer1.pk], kind="comment", claim=draft)
    with pytest.raises(MailServerUnavailable) as stopped:
        send_pending()
    states = list(Notification.objects.order_by("id").values_list("email_state", "email_attempts"))
    assert states.count((EmailState.PENDING, 1)) == 3  # three tries, then stop
    assert states.count((EmailState.PENDING, 0)) == 1  # untouched, nothing lost
    assert stopped.value.counts == {"sent": 0, "failed": 3, "skipped": 0}  # what the run did before it stopped


def test_a_run_stopped_by_the_mail_server_logs_what_it_did(
    draft, contoso_admin, contoso_viewer, lead, reviewer1, settings, caplog
):
    settings.EMAIL_BACKEND = "notifications.tests.test_sending.ServerDown"
    notify_users(user_ids=[contoso_admin.pk, contoso_viewer.pk, lead.pk, reviewer1.pk], kind="comment", claim=draft)
    caplog.set_level(logging.INFO, logger="notifications.tasks")
    with pytest.raises(MailServerUnavailable):
        send_pending_notifications.run()
    lines = [r.getMessage() for r in caplog.records if r.name == "notifications.tasks"]
    assert len(lines) == 1 and lines[0].startswith("send_pending_notifications: sent=0 failed=3 skipped=0")
    assert "stopped: the mail server is unreachable" in lines[0]


def test_a_row_stuck_in_sending_is_retried_after_a_while(draft, contoso_admin):
    notify_users(user_ids=[contoso_admin.pk], kind="comment", claim=draft)
    stuck_at = timezone.now()
    Notification.objects.update(email_state=EmailState.SENDING, email_claimed_at=stuck_at)
    assert send_pending(now=stuck_at + dt.timedelta(minutes=1)) == {"sent": 0, "failed": 0, "skipped": 0}
    late = stuck_at + sending.STALE_AFTER + dt.timedelta(seconds=1)
    assert send_pending(now=late) == {"sent": 1, "failed": 0, "skipped": 0}


def test_an_unreachable_server_never_exhausts_the_attempts(draft, contoso_admin, settings):
    settings.EMAIL_BACKEND = "notifications.tests.test_sending.ServerDown"
    notify_users(user_ids=[contoso_admin.pk], kind="comment", claim=draft)
    now = timezone.now()
    for attempt in range(MAX_ATTEMPTS + 2):
        send_pending(now=now + dt.timedelta(days=attempt))
    assert Notification.objects.get().email_state == EmailState.PENDING


def test_every_send_of_a_notification_has_the_same_message_id(contoso_admin, draft, settings):
    settings.SITE_URL = "https://cpor.example.com"
    first = Notification.objects.create(recipient=contoso_admin, claim=draft, kind="comment")
    second = Notification.objects.create(recipient=contoso_admin, claim=draft, kind="comment")
    ids = [sending.render_email(n).extra_headers["Message-ID"] for n in (first, first, second)]
    assert ids[0] == ids[1] == f"<cpor-notification-{first.pk}@cpor.example.com>"
    assert ids[2] != ids[0]
    assert sending.render_email(first).message()["Message-ID"] == ids[0]  # Django keeps ours


def test_a_stuck_send_is_retried_within_minutes():
    assert dt.timedelta(minutes=2) >= sending.STALE_AFTER

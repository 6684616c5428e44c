"""Submission opens a consent link and e-mails it after the commit; a resend or a new customer
address replaces the link (the old one stops working); the e-mail's language."""

import pytest
from django.core import mail

from audit.models import AuditEvent
from claims.errors import ClaimChanged, ClaimError, NotAllowed
from claims.models import Claim
from claims.services import claim_approve, claim_submit, claim_update
from consent.models import ConsentRequest, EmailState, Occasion
from consent.requests import consent_current, consent_request_open
from consent.selectors import consent_for_token
from consent.services import consent_decide, consent_resend
from consent.tests.helpers import token_for, token_in
from lib.actors import SYSTEM

pytestmark = pytest.mark.django_db


def test_submission_opens_a_link_and_emails_the_customer(submitted, contoso_admin):
    row = ConsentRequest.objects.get(claim=submitted)
    assert row.is_current and row.occasion == Occasion.SUBMITTED and row.opened_by == contoso_admin
    assert row.email == "ada@customer.example" and row.email_state == EmailState.SENT and row.email_attempts == 1
    assert row.expires_at > row.created_at and row.window_ends_at is None and row.decision == ""
    (message,) = mail.outbox
    assert message.to == ["ada@customer.example"]
    assert message.extra_headers["Message-ID"] == f"<cpor-consent-{row.pk}@127.0.0.1>"
    # The link in the e-mail opens this claim's row; the database keeps only its hash.
    token = token_in(message)
    assert consent_for_token(token) == row
    assert token not in {row.token_hash, row.token_salt} and len(row.token_hash) == 64
    # It says who claims what: the partner, the customer, the products and the activity.
    assert "Contoso" in message.subject
    for text in ("Contoso", "Dynamics 365 Sales", "Presales", submitted.reference):
        assert text in message.body
    html = message.alternatives[0][0]
    assert f"/consent/{token}/" in html and 'lang="en"' in html
    event = AuditEvent.objects.get(action="consent.request.opened")
    assert event.claim == submitted and event.actor == contoso_admin
    assert event.data["occasion"] == "submitted" and event.data["email_state"] == "pending"


def test_nothing_is_sent_before_the_commit(draft, contoso_admin):
    claim_submit(claim=draft, user=contoso_admin)  # the test's transaction never commits
    assert ConsentRequest.objects.get(claim=draft).email_state == EmailState.PENDING
    assert not mail.outbox


def test_without_a_customer_address_the_link_is_missing(submitted, django_capture_on_commit_callbacks):
    # Submission requires the address; an operator's correction in the admin can still clear it.
    Claim.objects.filter(pk=submitted.pk).update(customer_contact_email="")
    claim = Claim.objects.get(pk=submitted.pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        row = consent_request_open(claim=claim, actor=SYSTEM, occasion=Occasion.RESENT)
    assert row.email_state == EmailState.MISSING and row.email == ""
    assert not mail.outbox


def test_the_email_speaks_the_partners_language(draft, contoso_admin, django_capture_on_commit_callbacks):
    contoso_admin.language = "sv"
    contoso_admin.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        claim_submit(claim=draft, user=contoso_admin)
    assert ConsentRequest.objects.get(claim=draft).language == "sv"
    (message,) = mail.outbox
    assert message.extra_headers["Content-Language"] == "sv"
    assert 'lang="sv"' in message.alternatives[0][0]


def test_the_customers_own_language_wins_once_known(submitted, reviewer1, django_capture_on_commit_callbacks):
    consent_decide(token=token_for(submitted), decision="confirmed", language="sv")
    claim = Claim.objects.get(pk=submitted.pk)
    with django_capture_on_commit_callbacks(execute=True):
        consent_resend(claim=claim, user=reviewer1, expected_version=claim.version)
    assert consent_current(claim.pk).language == "sv"  # the partner's was English


def test_a_resend_replaces_the_link(submitted, reviewer1, django_capture_on_commit_callbacks):
    old = consent_current(submitted.pk)
    old_token = token_for(submitted)
    mail.outbox.clear()
    claim = Claim.objects.get(pk=submitted.pk)
    with django_capture_on_commit_callbacks(execute=True):
        new = consent_resend(claim=claim, user=reviewer1, expected_version=claim.version)
    old.refresh_from_db()
    assert old.superseded_at is not None and new.is_current and new.occasion == Occasion.RESENT
    assert consent_for_token(old_token) is None  # the old link stops working
    assert consent_for_token(token_in(mail.outbox[0])) == new
    assert Claim.objects.get(pk=claim.pk).version == claim.version + 1
    event = AuditEvent.objects.filter(action="consent.request.opened").latest("id")
    assert event.actor == reviewer1 and event.data["replaces"] == old.pk and event.data["occasion"] == "resent"


def test_a_resend_is_version_checked_and_for_reviewers_only(submitted, reviewer1, contoso_admin):
    claim = Claim.objects.get(pk=submitted.pk)
    with pytest.raises(ClaimChanged):
        consent_resend(claim=claim, user=reviewer1, expected_version=claim.version - 1)
    with pytest.raises(NotAllowed):
        consent_resend(claim=claim, user=contoso_admin, expected_version=claim.version)
    assert ConsentRequest.objects.filter(claim=claim).count() == 1


def test_no_resend_without_an_address_after_a_decline_or_once_final(submitted, reviewer1, settings):
    claim = Claim.objects.get(pk=submitted.pk)
    Claim.objects.filter(pk=claim.pk).update(customer_contact_email="")
    with pytest.raises(ClaimError, match="no customer e-mail address"):
        consent_resend(claim=claim, user=reviewer1, expected_version=claim.version)
    Claim.objects.filter(pk=claim.pk).update(customer_contact_email="ada@customer.example")
    consent_decide(token=token_for(claim), decision="declined")
    claim.refresh_from_db()
    with pytest.raises(ClaimError):  # rejected: the table refuses, and the customer declined anyway
        consent_resend(claim=claim, user=reviewer1, expected_version=claim.version)


def test_a_new_customer_address_gets_a_new_link(submitted, contoso_admin, django_capture_on_commit_callbacks):
    old_token = token_for(submitted)
    mail.outbox.clear()
    claim = Claim.objects.get(pk=submitted.pk)
    with django_capture_on_commit_callbacks(execute=True):
        claim_update(
            claim=claim,
            user=contoso_admin,
            data={"customer_contact_email": "grace@customer.example"},
            expected_version=claim.version,
        )
    assert consent_for_token(old_token) is None
    current = consent_current(claim.pk)
    assert current.email == "grace@customer.example" and current.occasion == Occasion.ADDRESS_CHANGED
    assert mail.outbox[0].to == ["grace@customer.example"]


def test_an_approval_opens_the_window_and_a_resend_keeps_it(reviewing, reviewer1, settings):
    claim = claim_approve(claim=reviewing, user=reviewer1, expected_version=reviewing.version)
    row = consent_current(claim.pk)
    assert row.window_ends_at > claim.decided_at and row.expires_at >= row.window_ends_at
    new = consent_resend(claim=claim, user=reviewer1, expected_version=claim.version)
    assert new.window_ends_at == row.window_ends_at


def test_any_time_means_no_window_end(reviewing, reviewer1, settings):
    settings.CONSENT_WINDOW = "any"
    claim = claim_approve(claim=reviewing, user=reviewer1, expected_version=reviewing.version)
    row = consent_current(claim.pk)
    assert row.window_ends_at is None and row.final_at is None

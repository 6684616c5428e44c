"""The "Customer consent" line on the partner's claim page and the review screen, and the
reviewer's Resend (version-checked, reviewers only)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Claim
from claims.services import claim_approve, claim_reject
from consent.models import ConsentRequest, EmailState
from consent.requests import consent_current
from consent.services import consent_decide
from consent.tests.helpers import token_for
from lib import clock
from tests.helpers import login

pytestmark = pytest.mark.django_db


def partner_page(client, claim):
    return client.get(reverse("claims:detail", args=[claim.pk])).content.decode()


def review_page(client, claim):
    return client.get(reverse("review:claim", args=[claim.pk])).content.decode()


def test_waiting_then_confirmed(submitted, contoso_admin, reviewer1):
    partner, reviewer = login(Client(), contoso_admin), login(Client(), reviewer1)
    assert "waiting for the customer's answer (e-mailed to ada@customer.example" in partner_page(partner, submitted)
    consent_decide(token=token_for(submitted), decision="confirmed")
    assert "confirmed by the customer on" in partner_page(partner, submitted)
    assert "confirmed by the customer on" in review_page(reviewer, submitted)


def test_a_private_reason_is_shown_to_reviewers_only(reviewing, contoso_admin, reviewer1):
    consent_decide(token=token_for(reviewing), decision="declined", reason="Secret reason 7.", reason_private=True)
    html = partner_page(login(Client(), contoso_admin), reviewing)
    assert "declined by the customer on" in html and "Customer declined" in html
    assert "Secret reason 7." not in html and "gave a reason for Microsoft only" in html
    html = review_page(login(Client(), reviewer1), reviewing)
    assert "Secret reason 7." in html and "kept private from the partner" in html


def test_a_public_reason_is_shown_to_the_partner(reviewing, contoso_admin):
    consent_decide(token=token_for(reviewing), decision="declined", reason="Public reason 8.")
    assert partner_page(login(Client(), contoso_admin), reviewing).count("Public reason 8.") >= 1


@pytest.mark.parametrize(("state", "text"), [("bounced", "bounced"), ("missing", "not asked"), ("failed", "could not")])
def test_email_trouble_is_shown(submitted, contoso_admin, reviewer1, state, text):
    ConsentRequest.objects.filter(claim=submitted).update(email_state=state)
    assert text in partner_page(login(Client(), contoso_admin), submitted)
    assert text in review_page(login(Client(), reviewer1), submitted)


def test_the_approval_window_and_then_final(reviewing, contoso_admin, reviewer1):
    claim = claim_approve(claim=reviewing, user=reviewer1, expected_version=reviewing.version)
    partner = login(Client(), contoso_admin)
    assert "Approved — the customer may still decline until" in partner_page(partner, claim)
    assert "Approved — the customer may still decline until" in review_page(login(Client(), reviewer1), claim)
    ConsentRequest.objects.filter(claim=claim).update(final_at=clock.now())
    assert "Approved — final" in partner_page(partner, claim)


def test_resend(submitted, reviewer1):
    client = login(Client(), reviewer1)
    assert "Send the customer a new consent link" in review_page(client, submitted)
    old = consent_current(submitted.pk)
    claim = Claim.objects.get(pk=submitted.pk)
    response = client.post(reverse("consent:resend", args=[claim.pk]), {"version": claim.version})
    assert response.status_code == 302 and response["Location"] == reverse("review:claim", args=[claim.pk])
    assert (
        "A new consent link was e-mailed to ada@customer.example" in client.get(response["Location"]).content.decode()
    )
    assert consent_current(claim.pk).pk != old.pk


def test_a_stale_or_missing_version_resends_nothing(submitted, reviewer1):
    client = login(Client(), reviewer1)
    url = reverse("consent:resend", args=[submitted.pk])
    for body in ({"version": submitted.version + 5}, {}, {"version": "x"}):
        response = client.post(url, body, follow=True)
        assert "This claim changed" in response.content.decode()
    assert ConsentRequest.objects.filter(claim=submitted).count() == 1


def test_resend_is_for_reviewers(submitted, contoso_admin, client):
    url = reverse("consent:resend", args=[submitted.pk])
    assert login(Client(), contoso_admin).post(url, {"version": submitted.version}).status_code == 403
    assert client.post(url).status_code == 302 and "/accounts/login/" in client.post(url)["Location"]
    assert login(Client(), contoso_admin).get(url).status_code == 405
    assert "Send the customer a new consent link" not in partner_page(login(Client(), contoso_admin), submitted)


def test_no_resend_button_once_declined(reviewing, reviewer1):
    consent_decide(token=token_for(reviewing), decision="declined")
    assert "Send the customer a new consent link" not in review_page(login(Client(), reviewer1), reviewing)


def test_a_bounced_address_corrected_can_be_resent(submitted, reviewer1):
    ConsentRequest.objects.filter(claim=submitted).update(email_state=EmailState.BOUNCED)
    assert "Send the customer a new consent link" in review_page(login(Client(), reviewer1), submitted)


def test_an_expired_link_and_a_claim_decided_without_an_answer(reviewing, reviewer1, contoso_admin):
    ConsentRequest.objects.filter(claim=reviewing).update(expires_at=clock.now() - dt.timedelta(seconds=1))
    html = review_page(login(Client(), reviewer1), reviewing)
    assert "the link expired without an answer" in html and "Send the customer a new consent link" in html
    claim = claim_reject(claim=reviewing, user=reviewer1, reason="insufficient_poe", expected_version=reviewing.version)
    html = partner_page(login(Client(), contoso_admin), claim)
    assert "the customer did not answer" in html and "waiting for the customer" not in html


def test_a_claim_filed_before_consent_links_can_be_asked(submitted, reviewer1, django_capture_on_commit_callbacks):
    ConsentRequest.objects.filter(claim=submitted).update(superseded_at=clock.now())  # as if it had none
    client = login(Client(), reviewer1)
    html = review_page(client, submitted)
    assert "the customer has not been asked" in html and "Send the customer a new consent link" in html
    claim = Claim.objects.get(pk=submitted.pk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("consent:resend", args=[claim.pk]), {"version": claim.version})
    assert consent_current(claim.pk).email_state == EmailState.SENT

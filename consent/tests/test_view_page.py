"""The customer's consent page: no login, CSRF on, the explainer and this claim's facts only,
the two decisions, one friendly refusal for every link that does not work, the e-mail's
language, no portal navigation, and headers that keep the link to itself."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Claim, RejectionReason
from claims.states import Status
from consent.models import ConsentRequest, Decision
from consent.requests import consent_current
from consent.tests.helpers import snapshot, token_for
from tests.helpers import login

pytestmark = pytest.mark.django_db
INVALID = "This link is not valid or has expired"


def page(token):
    return reverse("consent:page", args=[token])


def csrf_post(client, url, data):
    """A POST as a browser sends it: with the token the page's form carries."""
    response = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def test_the_page_explains_and_shows_this_claim_only(submitted, fabrikam):
    response = Client().get(page(token_for(submitted)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Did Contoso work with you?" in html
    assert "partner of record" in html and "no access to your data" in html
    for fact in ("Contoso", "Dynamics 365 Sales", "Presales", submitted.reference, "Ada Customer"):
        assert fact in html
    assert "Fabrikam" not in html  # never another partner
    assert 'value="confirmed"' in html and 'value="declined"' in html and 'name="reason"' in html
    # No way into the portal: no navigation, no sign-in link in the header.
    assert 'class="main-nav"' not in html and 'href="/"' not in html.split("<main")[0]
    assert response["X-Robots-Tag"] == "noindex, nofollow" and response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_a_signed_in_visitor_sees_no_portal_navigation(submitted, contoso_admin):
    html = login(Client(), contoso_admin).get(page(token_for(submitted))).content.decode()
    assert 'class="main-nav"' not in html and "Sign out" not in html


def test_the_page_speaks_the_emails_language(submitted):
    ConsentRequest.objects.filter(claim=submitted).update(language="sv")
    response = Client().get(page(token_for(submitted)))
    assert '<html lang="sv">' in response.content.decode() and response["Content-Language"] == "sv"
    # …unless the visitor chose a language in the menu.
    client = Client()
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in client.get(page(token_for(submitted))).content.decode()


def test_confirm(submitted, csrf_client):
    response = csrf_post(csrf_client, page(token_for(submitted)), {"decision": "confirmed"})
    assert response.status_code == 302 and response["Location"] == reverse("consent:done")
    done = csrf_client.get(response["Location"]).content.decode()
    assert "You confirmed that Contoso worked with you" in done
    row = consent_current(submitted.pk)
    assert row.decision == Decision.CONFIRMED and row.confirmed_from == "127.0.0.1"
    # The link now offers the decline only.
    html = csrf_client.get(page(token_for(submitted))).content.decode()
    assert 'value="confirmed"' not in html and 'value="declined"' in html and "You confirmed on" in html


def test_decline_with_a_private_reason(submitted, csrf_client):
    data = {"decision": "declined", "reason": "We never worked with them.", "private": "on"}
    response = csrf_post(csrf_client, page(token_for(submitted)), data)
    assert response.status_code == 302
    claim = Claim.objects.get(pk=submitted.pk)
    assert claim.status == Status.REJECTED and claim.decision_reason == RejectionReason.CUSTOMER_DECLINED
    row = consent_current(claim.pk)
    assert row.reason == "We never worked with them." and row.reason_private


def test_a_post_without_a_csrf_token_is_refused(submitted, csrf_client):
    before = snapshot()
    response = csrf_client.post(page(token_for(submitted)), {"decision": "declined"})
    assert response.status_code == 403
    assert snapshot() == before


def test_a_post_without_a_decision_is_a_form_error(submitted, csrf_client):
    response = csrf_post(csrf_client, page(token_for(submitted)), {"decision": "", "reason": "Hm"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose Confirm or Decline." in html and 'role="alert"' in html
    assert consent_current(submitted.pk).decision == ""


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t[:20],
        lambda t: t + "A",
        lambda t: "A" * 43,
        lambda t: "%00" + t,
        lambda t: "ü" * 43,
    ],
)
def test_a_damaged_link_gets_the_friendly_refusal(submitted, damage):
    response = Client().get(page(token_for(submitted)).replace(token_for(submitted), damage(token_for(submitted))))
    assert response.status_code == 404
    html = response.content.decode()
    assert INVALID in html and "Contoso" not in html and 'class="main-nav"' not in html


def test_a_spent_link_reads_exactly_like_a_made_up_one(submitted, csrf_client):
    token = token_for(submitted)

    def seen(link):  # the page, but for the CSRF token and the link's own path (the language menu's "next")
        html = Client().get(page(link)).content.decode().replace(link, "TOKEN")
        return re.sub(r"[A-Za-z0-9]{64}", "CSRF", html)

    made_up = seen("A" * 43)
    csrf_post(csrf_client, page(token), {"decision": "declined"})
    assert Client().get(page(token)).status_code == 404
    assert seen(token) == made_up
    # A decision posted to it changes nothing either.
    before = snapshot()
    assert csrf_client.post(page(token), {"decision": "confirmed"}).status_code in (403, 404)
    assert snapshot() == before


def test_the_done_page_without_a_decision(client):
    response = client.get(reverse("consent:done"))
    assert response.status_code == 200 and "Thank you" in response.content.decode()

"""Two reviewers on one claim: the first decision wins, the second sees "This claim changed —
reload" and keeps everything typed; nothing of the stale form is applied."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from claims import services
from claims.models import Claim, Comment, InfoRequestReason
from claims.states import Status
from review.tests.helpers import htmx, under_review
from tests.helpers import login

MESSAGE = "Please upload the customer's signed acknowledgement — reference Q-2291 ✓"


def loaded_version(client, claim):
    """The version the review screen's forms carry, as a browser would read it."""
    html = client.get(reverse("review:claim", args=[claim.pk])).content.decode()
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


@pytest.fixture
def two_reviewers(draft, contoso_admin, reviewer1, reviewer2):
    claim = under_review(draft, contoso_admin, reviewer1)
    first, second = login(Client(), reviewer1), login(Client(), reviewer2)
    return claim, first, second


@pytest.mark.parametrize("use_htmx", [True, False])
def test_second_reviewer_gets_changed_and_keeps_the_text(two_reviewers, use_htmx):
    claim, first, second = two_reviewers
    v1, v2 = loaded_version(first, claim), loaded_version(second, claim)
    assert v1 == v2 == claim.version

    approved = first.post(reverse("review:approve", args=[claim.pk]), {"message": "", "version": v1})
    assert approved.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == Status.APPROVED

    extra = htmx() if use_htmx else {}
    response = second.post(
        reverse("review:request_info", args=[claim.pk]),
        {"reasons": [InfoRequestReason.NO_CUSTOMER_ACK], "message": MESSAGE, "version": v2},
        **extra,
    )
    html = response.content.decode()
    assert response.status_code == (200 if use_htmx else 409)
    assert "This claim changed — reload" in html
    # What the reviewer typed is still in the form, with the reason ticked.
    assert escape(MESSAGE) in html
    assert re.search(r'value="no_customer_ack"[^>]*checked|checked[^>]*value="no_customer_ack"', html)
    # The stale request was not applied.
    fresh = Claim.objects.get(pk=claim.pk)
    assert fresh.status == Status.APPROVED
    assert not Comment.objects.filter(claim=claim, body=MESSAGE).exists()
    if use_htmx:
        assert "<html" not in html
        # The status region shows the claim as it is now.
        assert 'id="claim-status"' in html and "status-approved" in html


def test_stale_approve_after_request_info(two_reviewers):
    claim, first, second = two_reviewers
    version = claim.version
    first.post(
        reverse("review:request_info", args=[claim.pk]),
        {"reasons": ["dates"], "message": "Dates please.", "version": version},
    )
    response = second.post(
        reverse("review:approve", args=[claim.pk]), {"message": "Fine by me.", "version": version}, **htmx()
    )
    assert "This claim changed — reload" in response.content.decode()
    assert "Fine by me." in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == Status.ACTION_REQUIRED


def test_any_change_makes_open_forms_stale(two_reviewers, lead, reviewer2):
    """A change made elsewhere (here a lead reassigning the claim) makes open forms stale."""
    claim, _first, second = two_reviewers
    version = claim.version
    services.claim_assign(claim=claim, user=lead, assignee=reviewer2)
    response = second.post(
        reverse("review:reject", args=[claim.pk]),
        {"reason": "insufficient_poe", "message": "Blank PoE.", "version": version},
        **htmx(),
    )
    html = response.content.decode()
    assert "This claim changed — reload" in html
    assert "Blank PoE." in html
    assert 'value="insufficient_poe" selected' in html
    assert Claim.objects.get(pk=claim.pk).status == Status.UNDER_REVIEW

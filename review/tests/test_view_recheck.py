"""notifications:recheck_claim — a reviewer re-checks one claim's subscription now."""

import json

import pytest
from django.urls import reverse

from claims.models import Claim
from claims.services import claim_approve
from claims.states import Status
from directory.models import SubscriptionStatus
from notifications.tests.helpers import under_review
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(draft, contoso_admin, reviewer1):
    return claim_approve(claim=under_review(draft, contoso_admin, reviewer1), user=reviewer1)


def url(claim):
    return reverse("notifications:recheck_claim", args=[claim.pk])


def test_reviewer_rechecks_with_htmx(client, approved, subscription, reviewer1):
    type(subscription).objects.filter(pk=subscription.pk).update(status=SubscriptionStatus.EXPIRED)
    response = login(client, reviewer1).post(url(approved), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"the association was ended" in response.content and b"<html" not in response.content
    assert json.loads(response["HX-Trigger"]) == {"claimRechecked": {"claim": approved.pk, "outcome": "ended"}}
    assert "HX-Request" in response["Vary"]
    assert Claim.objects.get(pk=approved.pk).status == Status.ENDED


def test_without_htmx_redirects_with_a_message(client, approved, reviewer1):
    response = login(client, reviewer1).post(url(approved))
    assert response.status_code == 302 and response["Location"] == reverse("review:claim", args=[approved.pk])
    page = client.get(reverse("notifications:list"))
    assert "still active" in page.content.decode()


@pytest.mark.parametrize("who", ["contoso_admin", "contoso_viewer", "fabrikam_admin"])
def test_partners_get_403(client, approved, who, request):
    response = login(client, request.getfixturevalue(who)).post(url(approved))
    assert response.status_code == 403


def test_get_is_405_and_anonymous_goes_to_login(client, approved, reviewer1):
    assert client.post(url(approved)).status_code == 302
    assert login(client, reviewer1).get(url(approved)).status_code == 405


def test_csrf_is_enforced(csrf_client, approved, reviewer1):
    assert login(csrf_client, reviewer1).post(url(approved)).status_code == 403

"""Bulk actions on the queue's selected rows: one claim at a time through the services,
changed or inapplicable claims skipped and counted."""

import json

import pytest
from django.urls import reverse

from claims.models import Claim
from claims.states import Status
from review.tests.helpers import htmx, queue_claim
from tests.helpers import login

URL = reverse("review:bulk")


def selection(*claims):
    return [f"{c.pk}:{c.version}" for c in claims]


@pytest.mark.django_db
class TestPermissions:
    def test_anonymous_goes_to_login(self, client):
        claim = queue_claim()
        response = client.post(URL, {"action": "assign_me", "claim": selection(claim)})
        assert response.status_code == 302 and reverse("login") in response["Location"]
        assert Claim.objects.get(pk=claim.pk).assignee is None

    @pytest.mark.parametrize("who", ["contoso_admin", "contoso_viewer"])
    def test_partner_users_are_refused(self, client, request, who):
        claim = queue_claim()
        login(client, request.getfixturevalue(who))
        assert client.post(URL, {"action": "assign_me", "claim": selection(claim)}).status_code == 403
        assert Claim.objects.get(pk=claim.pk).assignee is None

    def test_get_is_not_allowed(self, client, reviewer1):
        login(client, reviewer1)
        assert client.get(URL).status_code == 405

    def test_only_leads_assign_to_someone_else(self, client, reviewer1, reviewer2):
        claim = queue_claim()
        login(client, reviewer1)
        response = client.post(URL, {"action": "assign", "assignee": reviewer2.pk, "claim": selection(claim)})
        assert response.status_code == 403
        assert Claim.objects.get(pk=claim.pk).assignee is None


@pytest.mark.django_db
def test_assign_to_me_reports_done_and_skipped(client, reviewer1):
    fresh = queue_claim()
    stale = queue_claim()
    gone = queue_claim(status=Status.APPROVED, due_in=None)
    data = {"action": "assign_me", "claim": selection(fresh, stale, gone), "next": "activity=presales&per=50"}
    Claim.objects.filter(pk=stale.pk).update(version=stale.version + 1)  # changed since the queue was drawn
    login(client, reviewer1)
    response = client.post(URL, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("review:queue") + "?activity=presales&per=50"
    assert Claim.objects.get(pk=fresh.pk).assignee == reviewer1
    assert Claim.objects.get(pk=stale.pk).assignee is None
    assert Claim.objects.get(pk=gone.pk).assignee is None
    page = client.get(response["Location"])
    assert (
        "1 claim assigned to you. 2 claims skipped: they changed since the queue was drawn, or the action does not "
        "apply to them." in page.content.decode()
    )


@pytest.mark.django_db
def test_lead_assigns_to_a_reviewer(client, lead, reviewer2):
    claims = [queue_claim() for _ in range(3)]
    reviewer2.first_name, reviewer2.last_name = "Johan", "Ek"
    reviewer2.save(update_fields=["first_name", "last_name"])
    login(client, lead)
    response = client.post(
        URL, {"action": "assign", "assignee": reviewer2.pk, "claim": selection(*claims)}, follow=True
    )
    assert set(Claim.objects.filter(pk__in=[c.pk for c in claims]).values_list("assignee", flat=True)) == {reviewer2.pk}
    assert "3 claims assigned to Johan Ek." in response.content.decode()


@pytest.mark.django_db
def test_lead_must_choose_the_reviewer(client, lead):
    claim = queue_claim()
    login(client, lead)
    response = client.post(URL, {"action": "assign", "claim": selection(claim)}, follow=True)
    assert "Choose the reviewer" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).assignee is None


@pytest.mark.django_db
def test_start_review_skips_claims_not_submitted(client, reviewer1):
    submitted = queue_claim(status=Status.SUBMITTED)
    reviewing = queue_claim(status=Status.UNDER_REVIEW)
    login(client, reviewer1)
    response = client.post(URL, {"action": "start", "claim": selection(submitted, reviewing)}, **htmx())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="queue-results"' in html
    assert "Review started on 1 claim. 1 claim skipped: it changed since the queue was drawn" in html
    assert json.loads(response["HX-Trigger"])["queueChanged"]["message"].startswith("Review started on 1 claim.")
    assert "HX-Request" in response["Vary"]
    claim = Claim.objects.get(pk=submitted.pk)
    assert (claim.status, claim.assignee) == (Status.UNDER_REVIEW, reviewer1)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "-1:1", "1", "1:x", "99999999999999999999999:1", ":", "²:1", "1:²", "1:1:1"])
def test_malformed_selection_is_ignored(client, reviewer1, value):
    login(client, reviewer1)
    response = client.post(URL, {"action": "assign_me", "claim": [value]}, follow=True)
    assert response.status_code == 200
    assert "Select at least one claim." in response.content.decode()


@pytest.mark.django_db
def test_next_cannot_redirect_elsewhere(client, reviewer1):
    claim = queue_claim()
    login(client, reviewer1)
    response = client.post(URL, {"action": "assign_me", "claim": selection(claim), "next": "//evil.example/x"})
    assert response["Location"].startswith(reverse("review:queue"))

"""The review screen's actions: permissions, the plain-form and HTMX variants, and what each
action writes (through the services: status, system comment, audit event, notification)."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from claims import services
from claims.models import Claim, Comment, InfoRequestReason, RejectionReason
from claims.states import Status
from notifications.models import Notification
from review.tests.helpers import htmx
from tests.helpers import login


@pytest.fixture
def submitted(draft, contoso_admin):
    claim, _warnings = services.claim_submit(claim=draft, user=contoso_admin)
    claim.refresh_from_db()
    return claim


@pytest.fixture
def reviewing(submitted, reviewer1):
    claim = services.claim_start_review(claim=submitted, user=reviewer1)
    claim.refresh_from_db()
    return claim


@pytest.fixture
def approved(reviewing, reviewer1):
    claim = services.claim_approve(claim=reviewing, user=reviewer1)
    claim.refresh_from_db()
    return claim


def post_data(name, claim, reviewer):
    data = {
        "assign": {"to_me": "1"},
        "start": {},
        "request_info": {"reasons": [InfoRequestReason.POE_MISSING], "message": "Please add the signed SOW."},
        "approve": {"message": "Well documented."},
        "reject": {"reason": RejectionReason.INSUFFICIENT_POE, "message": "The PoE is a blank page."},
        "revert": {"reason": "Approved by mistake: wrong tenant."},
        "comment": {"visibility": "internal", "body": "Checked the dates."},
    }[name]
    if name != "comment":
        data["version"] = claim.version
    return data


# action: (fixture with the claim in the right state, who may do it, status after)
ACTIONS = {
    "assign": ("submitted", "reviewer1", Status.SUBMITTED),
    "start": ("submitted", "reviewer1", Status.UNDER_REVIEW),
    "request_info": ("reviewing", "reviewer1", Status.ACTION_REQUIRED),
    "approve": ("reviewing", "reviewer1", Status.APPROVED),
    "reject": ("reviewing", "reviewer1", Status.REJECTED),
    "revert": ("approved", "lead", Status.UNDER_REVIEW),
    "comment": ("reviewing", "reviewer1", Status.UNDER_REVIEW),
}


def setup(request, name):
    fixture, who, after = ACTIONS[name]
    claim = request.getfixturevalue(fixture)
    return claim, request.getfixturevalue(who), after, reverse(f"review:{name}", args=[claim.pk])


@pytest.mark.parametrize("name", ACTIONS)
class TestPermissions:
    def test_anonymous_goes_to_login(self, client, request, name):
        claim, user, _after, url = setup(request, name)
        response = client.post(url, post_data(name, claim, user))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
        assert Claim.objects.get(pk=claim.pk).version == claim.version

    @pytest.mark.parametrize("who", ["contoso_admin", "contoso_viewer", "fabrikam_admin"])
    def test_partner_users_are_refused(self, client, request, name, who):
        claim, user, _after, url = setup(request, name)
        login(client, request.getfixturevalue(who))
        response = client.post(url, post_data(name, claim, user))
        assert response.status_code == 403
        assert Claim.objects.get(pk=claim.pk).version == claim.version
        assert not Comment.objects.filter(claim=claim, body="Checked the dates.").exists()

    def test_get_is_not_allowed(self, client, request, name):
        claim, user, _after, url = setup(request, name)
        login(client, user)
        assert client.get(url).status_code == 405

    def test_unknown_claim_is_404(self, client, request, name):
        claim, user, _after, _url = setup(request, name)
        login(client, user)
        response = client.post(reverse(f"review:{name}", args=[999999]), post_data(name, claim, user))
        assert response.status_code == 404


@pytest.mark.parametrize("name", ACTIONS)
def test_plain_post_redirects_with_a_message(client, request, name):
    claim, user, after, url = setup(request, name)
    login(client, user)
    response = client.post(url, post_data(name, claim, user), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("review:claim", args=[claim.pk]))
    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1
    assert Claim.objects.get(pk=claim.pk).status == after


@pytest.mark.parametrize("name", [n for n in ACTIONS if n != "comment"])
def test_htmx_post_returns_the_action_area_and_oob_regions(client, request, name):
    claim, user, after, url = setup(request, name)
    login(client, user)
    response = client.post(url, post_data(name, claim, user), **htmx())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="claim-actions"')
    for region in ("claim-status", "claim-thread", "claim-history", "claim-flash"):
        assert f'id="{region}"' in html
    assert html.count('hx-swap-oob="true"') == 4
    assert "HX-Request" in response["Vary"]
    trigger = json.loads(response["HX-Trigger"])
    fresh = Claim.objects.get(pk=claim.pk)
    assert trigger["claimUpdated"] == {"version": fresh.version, "status": fresh.status}
    assert fresh.status == after
    # Any re-drawn form carries the new version, never the one just used.
    if 'name="version"' in html:
        assert f'name="version" value="{fresh.version}"' in html
        assert f'name="version" value="{claim.version}"' not in html


def test_htmx_comment_returns_the_thread(client, reviewing, reviewer1):
    login(client, reviewer1)
    url = reverse("review:comment", args=[reviewing.pk])
    response = client.post(url, {"visibility": "internal", "body": "Looks <b>odd</b>."}, **htmx())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section class="card" id="claim-thread"')
    assert "Looks &lt;b&gt;odd&lt;/b&gt;." in html
    assert 'id="claim-history"' in html and 'hx-swap-oob="true"' in html
    assert json.loads(response["HX-Trigger"]) == {"commentAdded": {"internal": True}}
    assert "HX-Request" in response["Vary"]


def test_comment_defaults_to_internal_note(client, reviewing, reviewer1):
    login(client, reviewer1)
    client.post(reverse("review:comment", args=[reviewing.pk]), {"body": "No visibility chosen."})
    comment = Comment.objects.get(claim=reviewing, body="No visibility chosen.")
    assert comment.internal
    assert not Notification.objects.filter(claim=reviewing, kind="comment").exists()


def test_reply_to_partner_is_visible_and_notifies(client, reviewing, reviewer1, contoso_admin):
    login(client, reviewer1)
    client.post(reverse("review:comment", args=[reviewing.pk]), {"visibility": "partner", "body": "Hello partner."})
    comment = Comment.objects.get(claim=reviewing, body="Hello partner.")
    assert not comment.internal
    recipients = Notification.objects.filter(claim=reviewing, kind="comment").values_list("recipient_id", flat=True)
    assert list(recipients) == [contoso_admin.pk]


def test_empty_comment_keeps_the_form(client, reviewing, reviewer1):
    login(client, reviewer1)
    response = client.post(reverse("review:comment", args=[reviewing.pk]), {"body": "  "}, **htmx())
    assert response.status_code == 200
    assert "Write a comment first." in response.content.decode()


class TestEachActionWritesItsTrail:
    def test_request_info(self, client, reviewing, reviewer1, contoso_admin):
        login(client, reviewer1)
        client.post(
            reverse("review:request_info", args=[reviewing.pk]),
            {
                "reasons": [InfoRequestReason.DATES, InfoRequestReason.NO_CUSTOMER_ACK],
                "message": "Dates are missing.",
                "version": reviewing.version,
            },
        )
        claim = Claim.objects.get(pk=reviewing.pk)
        assert claim.status == Status.ACTION_REQUIRED
        event = AuditEvent.objects.filter(claim=claim).latest("id")
        assert event.action == "claims.claim.info_requested" and event.actor == reviewer1
        assert set(event.reason_code.split(",")) == {"dates", "no_customer_ack"}
        assert Comment.objects.filter(claim=claim, code="info_requested", body="Dates are missing.").count() == 1
        recipients = Notification.objects.filter(claim=claim, kind="info_requested").values_list(
            "recipient_id", flat=True
        )
        assert list(recipients) == [contoso_admin.pk]

    def test_reject_needs_a_reason_and_refuses_competing_reason(self, client, reviewing, reviewer1):
        login(client, reviewer1)
        url = reverse("review:reject", args=[reviewing.pk])
        response = client.post(url, {"reason": "", "message": "x", "version": reviewing.version}, **htmx())
        assert "Choose a rejection reason." in response.content.decode()
        response = client.post(
            url, {"reason": RejectionReason.COMPETING_CLAIM_AWARDED, "version": reviewing.version}, **htmx()
        )
        assert response.status_code == 200
        assert Claim.objects.get(pk=reviewing.pk).status == Status.UNDER_REVIEW
        assert (
            "competing_claim_awarded"
            not in response.content.decode().split('id="id_reject-reason"')[1].split("</select>")[0]
        )

    def test_reject_records_the_reason(self, client, reviewing, reviewer1):
        login(client, reviewer1)
        client.post(
            reverse("review:reject", args=[reviewing.pk]),
            {
                "reason": RejectionReason.CUSTOMER_DECLINED,
                "message": "The customer said no.",
                "version": reviewing.version,
            },
        )
        claim = Claim.objects.get(pk=reviewing.pk)
        assert (claim.status, claim.decision_reason) == (Status.REJECTED, RejectionReason.CUSTOMER_DECLINED)
        assert AuditEvent.objects.filter(claim=claim, action="claims.claim.rejected").count() == 1
        assert AuditEvent.objects.get(claim=claim, action="claims.claim.rejected").reason_code == "customer_declined"

    def test_action_in_the_wrong_state_is_a_message_not_a_500(self, client, submitted, reviewer1):
        login(client, reviewer1)
        response = client.post(
            reverse("review:approve", args=[submitted.pk]), {"message": "ok", "version": submitted.version}, **htmx()
        )
        assert response.status_code == 200
        assert "not possible while the claim is" in response.content.decode()
        assert Claim.objects.get(pk=submitted.pk).status == Status.SUBMITTED


class TestOnlyLeads:
    def test_reviewer_cannot_revert(self, client, approved, reviewer1):
        login(client, reviewer1)
        response = client.post(
            reverse("review:revert", args=[approved.pk]), {"reason": "Oops.", "version": approved.version}
        )
        assert response.status_code == 403
        assert Claim.objects.get(pk=approved.pk).status == Status.APPROVED

    def test_revert_form_is_shown_to_leads_only(self, client, approved, reviewer1, lead):
        url = reverse("review:claim", args=[approved.pk])
        login(client, reviewer1)
        assert reverse("review:revert", args=[approved.pk]) not in client.get(url).content.decode()
        login(client, lead)
        assert reverse("review:revert", args=[approved.pk]) in client.get(url).content.decode()

    def test_reviewer_cannot_assign_to_someone_else(self, client, submitted, reviewer1, reviewer2):
        login(client, reviewer1)
        response = client.post(
            reverse("review:assign", args=[submitted.pk]), {"assignee": reviewer2.pk, "version": submitted.version}
        )
        assert response.status_code == 403
        assert Claim.objects.get(pk=submitted.pk).assignee is None

    def test_reviewer_takes_the_claim(self, client, submitted, reviewer1):
        login(client, reviewer1)
        client.post(reverse("review:assign", args=[submitted.pk]), {"to_me": "1", "version": submitted.version})
        assert Claim.objects.get(pk=submitted.pk).assignee == reviewer1

    def test_lead_assigns_to_someone_and_unassigns(self, client, submitted, lead, reviewer2):
        login(client, lead)
        url = reverse("review:assign", args=[submitted.pk])
        client.post(url, {"assignee": reviewer2.pk, "version": submitted.version})
        claim = Claim.objects.get(pk=submitted.pk)
        assert claim.assignee == reviewer2
        recipients = Notification.objects.filter(claim=claim, kind="assigned").values_list("recipient_id", flat=True)
        assert list(recipients) == [reviewer2.pk]
        client.post(url, {"assignee": "", "version": claim.version})
        assert Claim.objects.get(pk=submitted.pk).assignee is None

    def test_lead_cannot_assign_to_a_partner_user(self, client, submitted, lead, contoso_admin):
        login(client, lead)
        response = client.post(
            reverse("review:assign", args=[submitted.pk]), {"assignee": contoso_admin.pk, "version": submitted.version}
        )
        assert response.status_code == 200
        assert Claim.objects.get(pk=submitted.pk).assignee is None


def test_request_info_on_an_overdue_claim(client, reviewing, reviewer1):
    """The paused clock keeps at least one business day, even when the decision is late."""
    Claim.objects.filter(pk=reviewing.pk).update(due_at=timezone.now() - dt.timedelta(days=9))
    login(client, reviewer1)
    response = client.post(
        reverse("review:request_info", args=[reviewing.pk]),
        {"reasons": ["dates"], "message": "Dates please.", "version": reviewing.version},
        **htmx(),
    )
    assert response.status_code == 200
    claim = Claim.objects.get(pk=reviewing.pk)
    assert (claim.status, claim.paused_days) == (Status.ACTION_REQUIRED, 1)

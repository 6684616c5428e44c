"""The customer's decisions through the link: confirm; decline before a decision (the claim is
rejected) and after an approval (the association ends), each with its comment, notifications
and audit; and every link that must not work — tampered, made up, expired, replaced, reused,
another claim's, a claim decided meanwhile — refused without changing anything."""

import datetime as dt

import pytest

from arbitration.models import CaseStatus
from audit.models import AuditEvent
from claims.errors import ClaimError
from claims.models import Claim, Comment, EndReason, RejectionReason
from claims.services import claim_approve, claim_reject, claim_withdraw
from claims.states import Status
from claims.tests.factories import ClaimFactory
from consent.errors import ConsentLinkInvalid
from consent.models import ConsentRequest, Decision
from consent.requests import consent_current
from consent.services import consent_decide, consent_resend
from consent.tests.helpers import snapshot, token_for
from lib import clock
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_confirm_records_time_and_address(submitted):
    token = token_for(submitted)
    with clock.frozen_at(clock.now()) as now:
        row = consent_decide(token=token, decision="confirmed", address="203.0.113.7", language="en")
    assert (row.decision, row.confirmed_at, row.confirmed_from) == (Decision.CONFIRMED, now, "203.0.113.7")
    claim = Claim.objects.get(pk=submitted.pk)
    assert claim.status == Status.SUBMITTED and claim.version == submitted.version  # the claim goes on
    event = AuditEvent.objects.get(action="consent.request.confirmed")
    assert event.claim_id == claim.pk and event.actor is None and event.created_at == now
    assert event.data == {"request": row.pk, "address": "203.0.113.7", "at": now.isoformat()}


def test_decline_before_approval_rejects_the_claim(reviewing, reviewer1, contoso_admin, contoso_viewer):
    row = consent_decide(
        token=token_for(reviewing), decision="declined", reason="We never met them.", address="198.51.100.2"
    )
    claim = Claim.objects.get(pk=reviewing.pk)
    assert claim.status == Status.REJECTED and claim.decision_reason == RejectionReason.CUSTOMER_DECLINED
    assert claim.decision_message == "We never met them."  # not private: the partner reads it
    assert (row.declined_from, row.reason, row.reason_private) == ("198.51.100.2", "We never met them.", False)
    # The partner-visible system comment, the partner's decision notification, the assignee's.
    comment = Comment.objects.filter(claim=claim, kind="system").latest("id")
    assert (comment.code, comment.internal, comment.data["reason"]) == ("rejected", False, "customer_declined")
    decisions = Notification.objects.filter(claim=claim, kind="decision")
    assert sorted(decisions.values_list("recipient_id", flat=True)) == sorted([contoso_admin.pk, contoso_viewer.pk])
    assert decisions.first().data["reason"] == "customer_declined"
    assert list(Notification.objects.filter(kind="customer_declined").values_list("recipient_id", flat=True)) == [
        reviewer1.pk
    ]
    actions = list(AuditEvent.objects.filter(claim=claim).order_by("id").values_list("action", "actor"))
    assert actions[-2:] == [("consent.request.declined", None), ("claims.claim.rejected", None)]
    declined = AuditEvent.objects.get(action="consent.request.declined")
    assert declined.data["address"] == "198.51.100.2" and declined.data["reason"] == "We never met them."


def test_a_private_reason_stays_out_of_the_partners_decision(reviewing):
    consent_decide(token=token_for(reviewing), decision="declined", reason="Internal matter.", reason_private=True)
    claim = Claim.objects.get(pk=reviewing.pk)
    assert claim.decision_message == ""
    assert not Comment.objects.filter(claim=claim, body__contains="Internal matter").exists()
    assert consent_current(claim.pk).reason == "Internal matter."  # kept for Microsoft


def test_decline_after_approval_ends_the_association(reviewing, reviewer1, contoso_admin):
    claim = claim_approve(claim=reviewing, user=reviewer1, expected_version=reviewing.version)
    consent_decide(token=token_for(claim), decision="declined", reason="Not our partner.")
    claim.refresh_from_db()
    assert claim.status == Status.ENDED and claim.end_reason == EndReason.CUSTOMER_DECLINED
    assert claim.end_message == "Not our partner."
    comment = Comment.objects.filter(claim=claim, kind="system").latest("id")
    assert (comment.code, comment.data["reason"]) == ("ended", "customer_declined")
    assert Notification.objects.filter(claim=claim, kind="association_ended", recipient=contoso_admin).exists()
    assert Notification.objects.filter(claim=claim, kind="customer_declined", recipient=reviewer1).exists()


def test_confirm_then_decline_within_the_window(reviewing, reviewer1):
    token = token_for(reviewing)
    consent_decide(token=token, decision="confirmed")
    claim = claim_approve(claim=reviewing, user=reviewer1, expected_version=reviewing.version)
    consent_decide(token=token, decision="declined")  # the customer changed their mind
    assert Claim.objects.get(pk=claim.pk).status == Status.ENDED
    row = consent_current(claim.pk)
    assert row.confirmed_at and row.declined_at and row.decision == Decision.DECLINED


def _refused(token, decision="declined", **kwargs):
    before = snapshot()
    with pytest.raises(ConsentLinkInvalid):
        consent_decide(token=token, decision=decision, **kwargs)
    assert snapshot() == before, "a refused link changed something"


def test_a_tampered_or_made_up_token_is_refused(submitted):
    token = token_for(submitted)
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (flipped, token[:-1], token + "x", "x" * 43, "", "../" + token, token.upper()):
        _refused(bad)


def test_an_expired_link_is_refused(submitted):
    ConsentRequest.objects.filter(claim=submitted).update(expires_at=clock.now() - dt.timedelta(seconds=1))
    _refused(token_for(submitted))
    _refused(token_for(submitted), decision="confirmed")


def test_a_reused_link_is_refused(submitted):
    token = token_for(submitted)
    consent_decide(token=token, decision="confirmed")
    _refused(token, decision="confirmed")  # each decision once
    consent_decide(token=token, decision="declined")
    _refused(token, decision="declined")
    _refused(token, decision="confirmed")  # a decline spends the link


def test_a_replaced_link_is_refused(submitted, reviewer1):
    old = token_for(submitted)
    claim = Claim.objects.get(pk=submitted.pk)
    consent_resend(claim=claim, user=reviewer1, expected_version=claim.version)
    _refused(old)
    consent_decide(token=token_for(claim), decision="confirmed")  # the new one works


def test_one_claims_link_never_reaches_another_claim(submitted, contoso_mpn, contoso_admin, subscription):
    other = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, sub=subscription)
    token = token_for(submitted)
    consent_decide(token=token, decision="declined")
    assert Claim.objects.get(pk=other.pk).status == Status.EDITING
    # The token is bound to its row: the only claim it ever names is its own.
    assert not ConsentRequest.objects.filter(claim=other).exists()
    assert Claim.objects.get(pk=submitted.pk).status == Status.REJECTED


def test_a_claim_decided_or_withdrawn_meanwhile_refuses_the_link(reviewing, reviewer1, submitted, contoso_admin):
    token = token_for(reviewing)
    claim_reject(claim=reviewing, user=reviewer1, reason="insufficient_poe", expected_version=reviewing.version)
    _refused(token)
    _refused(token, decision="confirmed")


def test_a_withdrawn_claim_refuses_the_link(submitted, contoso_admin):
    token = token_for(submitted)
    claim_withdraw(claim=submitted, user=contoso_admin)
    _refused(token)


def test_after_the_window_the_link_is_refused(reviewing, reviewer1):
    claim = claim_approve(claim=reviewing, user=reviewer1, expected_version=reviewing.version)
    row = consent_current(claim.pk)
    with clock.frozen_at(row.window_ends_at + dt.timedelta(seconds=1)):
        _refused(token_for(claim))  # the sweep has not run yet: the window's end is enough


def test_no_decision_is_a_form_error(submitted):
    before = snapshot()
    with pytest.raises(ClaimError, match="Choose Confirm or Decline"):
        consent_decide(token=token_for(submitted), decision="maybe")
    assert snapshot() == before


def test_a_competing_claim_declined_leaves_its_case(contested):
    case, incumbent, challenger = contested
    consent_decide(token=token_for(challenger), decision="declined")
    challenger.refresh_from_db()
    case.refresh_from_db()
    assert challenger.status == Status.REJECTED and case.status == CaseStatus.DECIDED
    assert Claim.objects.get(pk=incumbent.pk).status == Status.APPROVED

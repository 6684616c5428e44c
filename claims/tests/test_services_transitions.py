"""The claim state machine: every allowed and every refused transition, and the audit event
each writes."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from claims import services
from claims.errors import ClaimChanged, ClaimError, InvalidTransition, NotAllowed, ValidationFailed
from claims.models import Claim, Comment, DueKind, EndReason, InfoRequestReason, RejectionReason
from claims.states import Status
from lib.actors import SYSTEM
from notifications.models import Notification

ALL = set(Status.values)


def force_status(claim, status, **extra):
    """Put a claim in a state for a test (bypasses the services on purpose)."""
    key = claim.association_key or f"test:{claim.pk}"
    fields = {"status": status, "association_key": key, **extra}
    if status == Status.REJECTED and "dispute_until" not in extra:
        fields["dispute_until"] = timezone.now() + dt.timedelta(days=30)
    Claim.objects.filter(pk=claim.pk).update(**fields)
    claim.refresh_from_db()
    return claim


def last_event(claim):
    # (a submission also opens the customer's consent link: consent.request.opened, after it)
    return AuditEvent.objects.filter(claim=claim).exclude(action__startswith="consent.").order_by("-id").first()


# Each transition: (callable(claim, actors) -> result, statuses it is allowed from, target status, action)
def _submit(c, a):
    return services.claim_submit(claim=c, user=a["partner"])[0]


def _start(c, a):
    return services.claim_start_review(claim=c, user=a["reviewer"])


def _request(c, a):
    return services.claim_request_info(
        claim=c, user=a["reviewer"], reasons=[InfoRequestReason.POE_MISSING], message="Please add the signed SOW."
    )


def _resubmit(c, a):
    return services.claim_resubmit(claim=c, user=a["partner"], message="Added the SOW.")


def _approve(c, a):
    return services.claim_approve(claim=c, user=a["reviewer"], message="Looks good.")


def _reject(c, a):
    return services.claim_reject(claim=c, user=a["reviewer"], reason=RejectionReason.INSUFFICIENT_POE, message="No.")


def _withdraw(c, a):
    return services.claim_withdraw(claim=c, user=a["partner"], reason="Wrong customer.")


def _dispute(c, a):
    return services.claim_dispute(claim=c, user=a["partner"], justification="The PoE shows our work.")


def _end(c, a):
    return services.claim_end(
        claim=c, user=a["partner"], reason=EndReason.PARTNER_DISASSOCIATED, message="Contract over."
    )


def _revert(c, a):
    return services.claim_revert(claim=c, user=a["lead"], reason="Approved by mistake.")


TRANSITIONS = {
    "submit": (_submit, {Status.EDITING}, Status.SUBMITTED, "claims.claim.submitted"),
    "start_review": (_start, {Status.SUBMITTED}, Status.UNDER_REVIEW, "claims.claim.review_started"),
    "request_info": (
        _request,
        {Status.UNDER_REVIEW, Status.DISPUTED},
        Status.ACTION_REQUIRED,
        "claims.claim.info_requested",
    ),
    "resubmit": (_resubmit, {Status.ACTION_REQUIRED}, Status.UNDER_REVIEW, "claims.claim.resubmitted"),
    "approve": (_approve, {Status.UNDER_REVIEW, Status.DISPUTED}, Status.APPROVED, "claims.claim.approved"),
    "reject": (_reject, {Status.UNDER_REVIEW, Status.DISPUTED}, Status.REJECTED, "claims.claim.rejected"),
    "withdraw": (
        _withdraw,
        {Status.EDITING, Status.SUBMITTED, Status.UNDER_REVIEW, Status.ACTION_REQUIRED},
        Status.WITHDRAWN,
        "claims.claim.withdrawn",
    ),
    "dispute": (_dispute, {Status.REJECTED}, Status.DISPUTED, "claims.claim.disputed"),
    "end": (_end, {Status.APPROVED}, Status.ENDED, "claims.claim.ended"),
    "revert": (_revert, {Status.APPROVED, Status.REJECTED}, Status.UNDER_REVIEW, "claims.claim.reverted"),
}

ALLOWED_CASES = [(name, s) for name, (_, allowed, _, _) in TRANSITIONS.items() for s in sorted(allowed)]
REFUSED_CASES = [(name, s) for name, (_, allowed, _, _) in TRANSITIONS.items() for s in sorted(ALL - allowed)]


@pytest.fixture
def actors(contoso_admin, reviewer1, lead):
    return {"partner": contoso_admin, "reviewer": reviewer1, "lead": lead}


@pytest.mark.parametrize(("name", "start"), ALLOWED_CASES)
def test_allowed_transition_changes_status_and_writes_audit_event(name, start, draft, actors):
    fn, _, target, action = TRANSITIONS[name]
    claim = draft if start == Status.EDITING else force_status(draft, start)
    version = claim.version
    result = fn(claim, actors)
    result.refresh_from_db()
    assert result.status == target
    assert result.version == version + 1
    event = last_event(result)
    assert event.action == action
    assert (event.from_status, event.to_status) == (start, target)
    assert event.actor is not None


@pytest.mark.parametrize(("name", "start"), REFUSED_CASES)
def test_refused_transition_changes_nothing(name, start, draft, actors):
    fn = TRANSITIONS[name][0]
    claim = draft if start == Status.EDITING else force_status(draft, start)
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidTransition):
        fn(claim, actors)
    claim.refresh_from_db()
    assert claim.status == start
    assert AuditEvent.objects.count() == events


def test_submit_sets_key_deadline_and_system_comment(draft, contoso_admin, subscription):
    claim, warnings = services.claim_submit(claim=draft, user=contoso_admin)
    assert claim.association_key == f"sub:{subscription.subscription_id}:presales"
    assert claim.subscription == subscription
    assert claim.tenant == subscription.tenant
    assert claim.due_kind == DueKind.REVIEW_START and claim.due_at > timezone.now()
    assert warnings == []
    assert Comment.objects.filter(claim=claim, code="submitted", internal=False).count() == 1


def test_submit_refuses_an_invalid_claim_and_keeps_the_draft(draft, contoso_admin):
    Claim.objects.filter(pk=draft.pk).update(customer_domain="not-theirs.example")
    draft.refresh_from_db()
    with pytest.raises(ValidationFailed) as caught:
        services.claim_submit(claim=draft, user=contoso_admin)
    assert [i.code for i in caught.value.issues] == ["domain_tenant_mismatch"]
    draft.refresh_from_db()
    assert draft.status == Status.EDITING and draft.customer_domain == "not-theirs.example"


def test_request_info_pauses_the_reviewer_clock_and_resubmit_resumes_it(draft, actors):
    claim = _start(force_status(draft, Status.SUBMITTED), actors)
    claim = _request(claim, actors)
    assert claim.due_kind == DueKind.PARTNER_RESPONSE
    assert claim.paused_days == 5
    recipients = Notification.objects.filter(claim=claim, kind="info_requested").values_list("recipient_id", flat=True)
    assert list(recipients) == [actors["partner"].pk]
    claim = _resubmit(claim, actors)
    assert claim.due_kind == DueKind.DECISION and claim.paused_days is None


def test_reject_opens_the_dispute_window_and_a_rejected_dispute_is_final(draft, actors):
    claim = _reject(force_status(draft, Status.UNDER_REVIEW), actors)
    assert claim.dispute_until - claim.decided_at == dt.timedelta(days=30)
    claim = _dispute(claim, actors)
    claim = _reject(claim, actors)
    assert claim.dispute_until is None
    with pytest.raises(InvalidTransition):
        _dispute(claim, actors)


def test_dispute_after_30_days_is_refused(draft, actors):
    claim = force_status(draft, Status.REJECTED, dispute_until=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(InvalidTransition):
        _dispute(claim, actors)


def test_automatic_rejection_for_no_partner_response(draft, actors):
    claim = _request(force_status(draft, Status.UNDER_REVIEW), actors)
    claim = services.claim_reject(claim=claim, user=SYSTEM, reason=RejectionReason.NO_PARTNER_RESPONSE)
    assert claim.status == Status.REJECTED
    event = last_event(claim)
    assert event.actor is None and event.reason_code == RejectionReason.NO_PARTNER_RESPONSE


def test_automatic_end_when_subscription_expired(draft):
    claim = force_status(draft, Status.APPROVED)
    claim = services.claim_end(claim=claim, user=SYSTEM, reason=EndReason.SUBSCRIPTION_EXPIRED)
    assert claim.status == Status.ENDED and claim.end_reason == EndReason.SUBSCRIPTION_EXPIRED


def test_stale_version_is_refused(draft, actors):
    claim = force_status(draft, Status.UNDER_REVIEW)
    stale = claim.version
    _approve(claim, actors)
    claim.refresh_from_db()
    with pytest.raises(ClaimChanged):
        services.claim_revert(claim=claim, user=actors["lead"], reason="x", expected_version=stale)


def test_roles_are_enforced(draft, contoso_viewer, fabrikam_admin, reviewer1, contoso_admin):
    with pytest.raises(NotAllowed):
        services.claim_submit(claim=draft, user=contoso_viewer)
    with pytest.raises(NotAllowed):
        services.claim_submit(claim=draft, user=fabrikam_admin)
    with pytest.raises(NotAllowed):
        services.claim_submit(claim=draft, user=reviewer1)
    claim = force_status(draft, Status.UNDER_REVIEW)
    with pytest.raises(NotAllowed):
        services.claim_approve(claim=claim, user=contoso_admin)
    claim = force_status(claim, Status.APPROVED)
    with pytest.raises(NotAllowed):
        services.claim_revert(claim=claim, user=reviewer1, reason="x")
    with pytest.raises(NotAllowed):
        services.comment_add(claim=claim, user=contoso_admin, body="secret?", internal=True)


def test_request_info_needs_a_coded_reason_and_a_message(draft, reviewer1):
    claim = force_status(draft, Status.UNDER_REVIEW)
    with pytest.raises(ClaimError):
        services.claim_request_info(claim=claim, user=reviewer1, reasons=["made_up"], message="x")
    with pytest.raises(ClaimError):
        services.claim_request_info(claim=claim, user=reviewer1, reasons=[InfoRequestReason.DATES], message=" ")


def test_internal_note_never_notifies_the_partner(draft, reviewer1, contoso_admin):
    claim = force_status(draft, Status.UNDER_REVIEW)
    before = Notification.objects.count()
    services.comment_add(claim=claim, user=reviewer1, body="Looks like a reseller.", internal=True)
    assert Notification.objects.count() == before
    services.comment_add(claim=claim, user=reviewer1, body="Please confirm the dates.")
    assert Notification.objects.filter(recipient=contoso_admin, kind="comment").count() == 1


def test_partner_edit_after_submission_limited_to_editable_fields(draft, contoso_admin):
    claim, _ = services.claim_submit(claim=draft, user=contoso_admin)
    claim = services.claim_update(
        claim=claim, user=contoso_admin, data={"customer_contact_name": "Bo", "description": "changed"}
    )
    assert claim.customer_contact_name == "Bo"
    assert claim.description != "changed"
    assert last_event(claim).action == "claims.claim.updated"


def test_a_dispute_that_went_through_an_info_request_still_ends_final(draft, actors):
    claim = _reject(force_status(draft, Status.UNDER_REVIEW), actors)
    claim = _dispute(claim, actors)
    claim = _request(claim, actors)
    claim = _resubmit(claim, actors)
    claim = _reject(claim, actors)
    assert claim.dispute_until is None
    assert Comment.objects.filter(claim=claim, code="rejected_final").count() == 1
    with pytest.raises(InvalidTransition):
        _dispute(claim, actors)


def test_constraint_violation_becomes_a_domain_error(draft, actors, fabrikam_mpn, fabrikam_admin):
    from claims.tests.factories import ClaimFactory

    owner = force_status(draft, Status.APPROVED)
    rival = ClaimFactory(mpn=fabrikam_mpn, created_by=fabrikam_admin)
    rival = force_status(rival, Status.UNDER_REVIEW, association_key=owner.association_key)
    with pytest.raises(ClaimError):
        services.claim_approve(claim=rival, user=actors["reviewer"])
    rival.refresh_from_db()
    assert rival.status == Status.UNDER_REVIEW

"""claims_reject_unanswered: the set-based automatic rejection used by the SLA sweep."""

import datetime as dt

from django.utils import timezone

from audit.models import AuditEvent
from claims.jobs.unanswered import claims_reject_unanswered
from claims.models import Claim, Comment, RejectionReason
from claims.states import Status
from notifications.models import Notification


def _overdue(claim, **extra):
    Claim.objects.filter(pk=claim.pk).update(
        status=Status.ACTION_REQUIRED,
        association_key=f"k:{claim.pk}",
        due_kind="partner_response",
        due_at=timezone.now() - dt.timedelta(minutes=1),
        **extra,
    )
    claim.refresh_from_db()
    return claim


def test_rejects_with_audit_comment_and_notification(draft, contoso_admin, contoso_viewer):
    claim = _overdue(draft)
    result = claims_reject_unanswered(claims=[(claim.pk, claim.version)])
    claim.refresh_from_db()
    assert result == {"rejected": 1, "skipped": 0}
    assert claim.status == Status.REJECTED and claim.decision_reason == RejectionReason.NO_PARTNER_RESPONSE
    assert claim.dispute_until is not None and claim.due_at is None
    event = AuditEvent.objects.get(claim=claim, action="claims.claim.rejected")
    assert (event.actor, event.from_status, event.reason_code) == (None, "action_required", "no_partner_response")
    assert Comment.objects.filter(claim=claim, code="rejected", internal=False).count() == 1
    recipients = sorted(
        Notification.objects.filter(claim=claim, kind="decision").values_list("recipient_id", flat=True)
    )
    assert recipients == sorted([contoso_admin.pk, contoso_viewer.pk])


def test_skips_changed_or_answered_claims(draft):
    claim = _overdue(draft)
    stale = claim.version - 1
    assert claims_reject_unanswered(claims=[(claim.pk, stale)]) == {"rejected": 0, "skipped": 1}
    Claim.objects.filter(pk=claim.pk).update(status=Status.UNDER_REVIEW)
    assert claims_reject_unanswered(claims=[(claim.pk, claim.version)]) == {"rejected": 0, "skipped": 1}
    claim.refresh_from_db()
    assert claim.status == Status.UNDER_REVIEW


def test_a_previously_disputed_claim_is_rejected_for_good(draft, contoso_admin):

    Claim.objects.filter(pk=draft.pk).update(disputed_once=True)  # the fact claim_dispute records
    claim = _overdue(draft)
    claims_reject_unanswered(claims=[(claim.pk, claim.version)])
    claim.refresh_from_db()
    assert claim.dispute_until is None
    assert Comment.objects.filter(claim=claim, code="rejected_final").count() == 1

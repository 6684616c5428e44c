"""Automatic rejection with reason *no partner response* at the action_required deadline."""

import datetime as dt

import pytest

from audit.models import AuditEvent
from claims.jobs import sweep
from claims.jobs.sweep import run_sla_sweep
from claims.models import Claim, Comment
from claims.states import Status
from notifications.models import Notification
from notifications.tests.helpers import action_required, local, set_deadline

pytestmark = pytest.mark.django_db

DEADLINE = local(2026, 12, 29, 10, 0)


def test_rejected_at_the_deadline_through_the_state_machine(draft, contoso_admin, contoso_viewer, reviewer1):
    claim = set_deadline(action_required(draft, contoso_admin, reviewer1), DEADLINE)

    result = run_sla_sweep(now=DEADLINE - dt.timedelta(seconds=1))
    assert result["auto_rejections"] == {"rejected": 0, "skipped": 0, "errors": 0, "left": 0}
    assert Claim.objects.get(pk=claim.pk).status == Status.ACTION_REQUIRED

    result = run_sla_sweep(now=DEADLINE)
    assert result["auto_rejections"] == {"rejected": 1, "skipped": 0, "errors": 0, "left": 0}
    claim.refresh_from_db()
    assert claim.status == Status.REJECTED
    assert claim.decision_reason == "no_partner_response"
    assert claim.dispute_until is not None  # the partner can still dispute within 30 days
    event = AuditEvent.objects.filter(claim=claim, action="claims.claim.rejected").get()
    assert event.actor is None and event.reason_code == "no_partner_response"
    assert Comment.objects.filter(claim=claim, code="rejected", internal=False).count() == 1
    decisions = Notification.objects.filter(claim=claim, kind="decision")
    assert sorted(decisions.values_list("recipient_id", flat=True)) == sorted([contoso_admin.pk, contoso_viewer.pk])
    assert decisions.first().data == {"status": "rejected", "reason": "no_partner_response"}

    result = run_sla_sweep(now=DEADLINE + dt.timedelta(minutes=2))
    assert result["auto_rejections"] == {"rejected": 0, "skipped": 0, "errors": 0, "left": 0}
    assert Notification.objects.filter(claim=claim, kind="decision").count() == 2


def test_a_claim_that_changed_meanwhile_is_skipped_not_an_error(draft, contoso_admin, reviewer1, monkeypatch):
    from claims.services import claim_resubmit

    claim = set_deadline(action_required(draft, contoso_admin, reviewer1), DEADLINE)
    real_chunks = sweep.keyset_pages

    def partner_answers_right_after_the_select(qs, fields, size, order="id"):
        for rows in real_chunks(qs, fields, size, order):
            if fields == ("id", "due_at", "version"):
                claim_resubmit(claim=Claim.objects.get(pk=claim.pk), user=contoso_admin, message="Just in time.")
            yield rows

    monkeypatch.setattr(sweep, "keyset_pages", partner_answers_right_after_the_select)
    result = run_sla_sweep(now=DEADLINE + dt.timedelta(minutes=1))
    assert result["auto_rejections"] == {"rejected": 0, "skipped": 1, "errors": 0, "left": 0}
    assert Claim.objects.get(pk=claim.pk).status == Status.UNDER_REVIEW


def test_budget_leaves_the_rest_for_the_next_run(draft, contoso_admin, reviewer1):
    set_deadline(action_required(draft, contoso_admin, reviewer1), DEADLINE)
    result = run_sla_sweep(now=DEADLINE, reject_budget=-1)
    assert result["auto_rejections"] == {"rejected": 0, "skipped": 0, "errors": 0, "left": 1}
    result = run_sla_sweep(now=DEADLINE + dt.timedelta(minutes=2))
    assert result["auto_rejections"] == {"rejected": 1, "skipped": 0, "errors": 0, "left": 0}

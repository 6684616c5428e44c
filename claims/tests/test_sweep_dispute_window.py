"""Dispute window closing 30 days after a rejection: a system comment and one notice to the
partner, exactly once; the status stays rejected."""

import datetime as dt

import pytest

from claims.jobs.sweep import run_sla_sweep
from claims.models import Claim, Comment
from claims.states import Status
from notifications.models import Notification, SweepMark
from notifications.tests.helpers import rejected

pytestmark = pytest.mark.django_db


def test_window_closes_once(draft, contoso_admin, contoso_viewer, fabrikam_admin, reviewer1):
    claim = rejected(draft, contoso_admin, reviewer1)
    until = claim.dispute_until

    run_sla_sweep(now=until - dt.timedelta(seconds=1))
    assert not Comment.objects.filter(code="dispute_window_closed").exists()

    result = run_sla_sweep(now=until + dt.timedelta(seconds=1))
    assert result == {
        "reviewer_reminders": 0,
        "escalations": 0,
        "partner_reminders": 0,
        "dispute_windows_closed": 1,
        "auto_rejections": {"rejected": 0, "skipped": 0, "errors": 0, "left": 0},
        "consent_windows_closed": 0,
    }
    comment = Comment.objects.get(claim=claim, code="dispute_window_closed")
    assert comment.kind == "system" and not comment.internal
    notes = Notification.objects.filter(kind="dispute_window_closed")
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted([contoso_admin.pk, contoso_viewer.pk])
    assert Claim.objects.get(pk=claim.pk).status == Status.REJECTED

    run_sla_sweep(now=until + dt.timedelta(minutes=3))
    run_sla_sweep(now=until + dt.timedelta(days=2), full=True)  # even ignoring the cursors
    assert Comment.objects.filter(claim=claim, code="dispute_window_closed").count() == 1
    assert notes.count() == 2
    assert SweepMark.objects.filter(claim=claim).count() == 1


def test_a_disputed_claim_is_not_closed(draft, contoso_admin, reviewer1):
    from claims.services import claim_dispute

    claim = rejected(draft, contoso_admin, reviewer1)
    until = claim.dispute_until
    claim_dispute(claim=claim, user=contoso_admin, justification="The PoE was attached.")
    run_sla_sweep(now=until + dt.timedelta(seconds=1))
    assert not Comment.objects.filter(code="dispute_window_closed").exists()


def test_first_run_does_not_announce_windows_closed_long_ago(draft, contoso_admin, reviewer1):
    claim = rejected(draft, contoso_admin, reviewer1)
    assert run_sla_sweep(now=claim.dispute_until + dt.timedelta(days=8)) == {
        "reviewer_reminders": 0,
        "escalations": 0,
        "partner_reminders": 0,
        "dispute_windows_closed": 0,
        "auto_rejections": {"rejected": 0, "skipped": 0, "errors": 0, "left": 0},
        "consent_windows_closed": 0,
    }
    assert not Comment.objects.filter(code="dispute_window_closed").exists()

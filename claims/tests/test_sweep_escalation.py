"""Escalation to the review leads when a review deadline is missed."""

import datetime as dt

import pytest

from claims.jobs.sweep import run_sla_sweep
from notifications.models import Notification
from notifications.tests.factories_users import another_lead
from notifications.tests.helpers import local, set_deadline, submitted, under_review

pytestmark = pytest.mark.django_db

DEADLINE = local(2026, 12, 28, 10, 0)


def escalations():
    return Notification.objects.filter(kind="escalation")


def test_escalates_to_every_lead_once_the_deadline_passes(draft, contoso_admin, reviewer1, lead):
    second = another_lead()
    claim = set_deadline(under_review(draft, contoso_admin, reviewer1), DEADLINE)

    run_sla_sweep(now=DEADLINE - dt.timedelta(seconds=1))
    assert not escalations().exists()

    run_sla_sweep(now=DEADLINE)
    assert sorted(escalations().values_list("recipient_id", flat=True)) == sorted([lead.pk, second.pk])
    data = {"due_at": DEADLINE.astimezone(dt.UTC).isoformat(), "due_kind": "decision"}
    assert all(n.claim_id == claim.pk and n.data == data for n in escalations())

    run_sla_sweep(now=DEADLINE + dt.timedelta(days=3))
    assert escalations().count() == 2  # once per breach, not every run


def test_unassigned_submitted_claim_past_review_start_is_escalated(draft, contoso_admin, lead):
    set_deadline(submitted(draft, contoso_admin), DEADLINE)
    run_sla_sweep(now=DEADLINE + dt.timedelta(minutes=5))
    assert escalations().get().data == {"due_at": DEADLINE.astimezone(dt.UTC).isoformat(), "due_kind": "review_start"}


def test_without_any_lead_the_assignee_hears_of_the_breach(draft, contoso_admin, reviewer1):
    set_deadline(under_review(draft, contoso_admin, reviewer1), DEADLINE)
    run_sla_sweep(now=DEADLINE + dt.timedelta(minutes=5))
    assert escalations().get().recipient == reviewer1


def test_decided_claims_are_not_escalated(draft, contoso_admin, reviewer1, lead):
    from claims.services import claim_approve

    claim = set_deadline(under_review(draft, contoso_admin, reviewer1), DEADLINE)
    claim_approve(claim=claim, user=reviewer1)
    run_sla_sweep(now=DEADLINE + dt.timedelta(days=1))
    assert not escalations().exists()

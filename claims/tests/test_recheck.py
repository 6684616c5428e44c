"""Subscription re-check outcomes: expired, disabled, still active, a draft whose
subscription is provisioned now; chunked queries."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.jobs.recheck import (
    CLAIMABLE_NOW,
    ENDED,
    NOT_APPLICABLE,
    STILL_ACTIVE,
    UNKNOWN,
    WAITING,
    recheck_claim,
    run_subscription_recheck,
)
from claims.models import Claim
from claims.services import claim_approve
from claims.states import Status
from claims.tests.factories import ClaimFactory, SubscriptionFactory
from directory.models import SubscriptionStatus
from notifications.models import Notification, SweepMark
from notifications.tests.helpers import under_review
from notifications.texts import reclaim_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(draft, contoso_admin, reviewer1):
    return claim_approve(claim=under_review(draft, contoso_admin, reviewer1), user=reviewer1)


def lapse(subscription, status):
    type(subscription).objects.filter(pk=subscription.pk).update(status=status)


@pytest.mark.parametrize(
    ("status", "reason"),
    [(SubscriptionStatus.EXPIRED, "subscription_expired"), (SubscriptionStatus.DISABLED, "subscription_disabled")],
)
def test_lapsed_subscription_ends_the_association(approved, subscription, status, reason, contoso_admin):
    lapse(subscription, status)
    result = run_subscription_recheck()
    assert result == {"associations": {"ended": 1, "skipped": 0}, "drafts": {WAITING: 0, CLAIMABLE_NOW: 0}}
    claim = Claim.objects.get(pk=approved.pk)
    assert claim.status == Status.ENDED and claim.end_reason == reason
    note = Notification.objects.get(claim=claim, kind="association_ended", recipient=contoso_admin)
    assert note.data == {"reason": reason}  # no renewed subscription on the tenant
    assert reclaim_path(note) == f"/claims/{claim.pk}/reclaim/"

    assert run_subscription_recheck() == {
        "associations": {"ended": 0, "skipped": 0},
        "drafts": {WAITING: 0, CLAIMABLE_NOW: 0},
    }


def test_renewed_subscription_is_offered_in_the_reclaim_link(approved, subscription, dynamics_sales, contoso_admin):
    other_product = SubscriptionFactory(tenant=subscription.tenant, products=[])  # does not cover the claim
    renewed = SubscriptionFactory(tenant=subscription.tenant, products=[dynamics_sales])
    SubscriptionFactory(products=[dynamics_sales])  # another tenant
    lapse(subscription, SubscriptionStatus.EXPIRED)

    run_subscription_recheck()
    note = Notification.objects.get(claim=approved, kind="association_ended", recipient=contoso_admin)
    assert note.data["renewed_subscription"] == str(renewed.subscription_id)
    assert reclaim_path(note) == f"/claims/{approved.pk}/reclaim/?subscription={renewed.subscription_id}"
    assert str(other_product.subscription_id) not in reclaim_path(note)


@pytest.mark.parametrize("status", [SubscriptionStatus.ACTIVE, SubscriptionStatus.IN_GRACE])
def test_still_active_changes_nothing(approved, subscription, status):
    lapse(subscription, status)
    assert run_subscription_recheck() == {
        "associations": {"ended": 0, "skipped": 0},
        "drafts": {WAITING: 0, CLAIMABLE_NOW: 0},
    }
    assert Claim.objects.get(pk=approved.pk).status == Status.APPROVED
    assert recheck_claim(Claim.objects.get(pk=approved.pk)).code == STILL_ACTIVE


def test_on_demand_ends_one_claim(approved, subscription):
    lapse(subscription, SubscriptionStatus.DISABLED)
    outcome = recheck_claim(approved)
    assert outcome.code == ENDED and "disabled" in outcome.message
    assert Claim.objects.get(pk=approved.pk).end_reason == "subscription_disabled"


def test_not_applicable_for_claims_under_review(draft, contoso_admin, reviewer1):
    assert recheck_claim(under_review(draft, contoso_admin, reviewer1)).code == NOT_APPLICABLE


# --- drafts waiting for provisioning -------------------------------------------------------


@pytest.fixture
def waiting_draft(contoso_mpn, contoso_admin, dynamics_sales):
    sub = SubscriptionFactory(products=[dynamics_sales], provisioned=False)
    return ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, sub=sub, products=[dynamics_sales]), sub


def test_draft_told_once_when_its_subscription_is_provisioned(waiting_draft, contoso_admin, contoso_viewer):
    draft, sub = waiting_draft
    assert run_subscription_recheck() == {
        "associations": {"ended": 0, "skipped": 0},
        "drafts": {WAITING: 1, CLAIMABLE_NOW: 0},
    }
    assert SweepMark.objects.filter(claim=draft).count() == 1
    assert not Notification.objects.filter(kind="subscription_claimable").exists()

    type(sub).objects.filter(pk=sub.pk).update(provisioned=True, provisioned_at=timezone.now())
    assert run_subscription_recheck() == {
        "associations": {"ended": 0, "skipped": 0},
        "drafts": {WAITING: 0, CLAIMABLE_NOW: 1},
    }
    notes = Notification.objects.filter(kind="subscription_claimable", claim=draft)
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted([contoso_admin.pk, contoso_viewer.pk])

    run_subscription_recheck()
    assert notes.count() == 2


def test_provisioned_between_the_partners_attempt_and_the_first_check(waiting_draft, contoso_admin):
    draft, sub = waiting_draft
    type(sub).objects.filter(pk=sub.pk).update(provisioned=True, provisioned_at=timezone.now())
    assert recheck_claim(Claim.objects.get(pk=draft.pk)).code == CLAIMABLE_NOW


def test_draft_on_an_always_provisioned_subscription_is_not_notified(draft):
    run_subscription_recheck()
    assert not Notification.objects.filter(kind="subscription_claimable").exists()


def test_unknown_subscription(contoso_mpn, contoso_admin):
    draft = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, subscription_ref=str(uuid.uuid4()))
    assert recheck_claim(draft).code == UNKNOWN
    garbage = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, subscription_ref="not-a-guid")
    assert recheck_claim(garbage).code == UNKNOWN


def test_drafts_are_read_in_chunks_not_row_by_row(contoso_mpn, contoso_admin, dynamics_sales):
    def make_waiting(n):
        for _ in range(n):
            sub = SubscriptionFactory(products=[dynamics_sales], provisioned=False)
            ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, sub=sub)

    make_waiting(1)
    run_subscription_recheck()  # marks the first
    with CaptureQueriesContext(connection) as one:
        run_subscription_recheck()
    make_waiting(30)
    run_subscription_recheck()
    with CaptureQueriesContext(connection) as many:
        run_subscription_recheck()
    assert len(many.captured_queries) == len(one.captured_queries)

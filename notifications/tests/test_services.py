"""Writing notifications: who is told what, and the outbox flush after commit."""

import pytest
from django.db import transaction

from claims.services import comment_add
from notifications.models import Notification
from notifications.services import deferred_outbox_flush, notify_partner, notify_users, review_lead_ids
from notifications.tests.helpers import under_review

pytestmark = pytest.mark.django_db


def flushes(callbacks):
    """The outbox flushes among the on-commit callbacks (others, e.g. cache drops, may run too)."""
    return [c for c in callbacks if getattr(c, "__name__", "") == "_flush_after_commit"]


def test_an_internal_note_never_notifies_a_partner(draft, contoso_admin, contoso_viewer, reviewer1):
    claim = under_review(draft, contoso_admin, reviewer1)
    before = Notification.objects.count()
    comment_add(claim=claim, user=reviewer1, body="Internal: compare with the other claim.", internal=True)
    assert Notification.objects.count() == before
    assert not Notification.objects.filter(recipient__in=[contoso_admin, contoso_viewer], kind="comment").exists()


def test_a_reviewer_comment_notifies_the_partner_and_a_partner_comment_the_assignee(
    draft, contoso_admin, contoso_viewer, fabrikam_admin, reviewer1
):
    claim = under_review(draft, contoso_admin, reviewer1)
    comment_add(claim=claim, user=reviewer1, body="Please add the signature page.")
    assert sorted(Notification.objects.filter(kind="comment").values_list("recipient_id", flat=True)) == sorted(
        [contoso_admin.pk, contoso_viewer.pk]
    )
    comment_add(claim=claim, user=contoso_admin, body="Added.")
    assert Notification.objects.filter(kind="comment", recipient=reviewer1).count() == 1
    assert not Notification.objects.filter(recipient=fabrikam_admin).exists()


def test_one_flush_per_transaction(draft, contoso_admin, reviewer1, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        notify_partner(claim=draft, kind="comment")
        notify_users(user_ids=[reviewer1.pk], kind="comment", claim=draft)
    assert len(flushes(callbacks)) == 1


def test_deferred_flush_queues_one_at_the_end(draft, reviewer1, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, deferred_outbox_flush():
        for _ in range(3):
            with transaction.atomic():
                notify_users(user_ids=[reviewer1.pk], kind="comment", claim=draft)
        assert callbacks == []
    assert len(flushes(callbacks)) == 1


def test_dedupe_prefix_makes_a_reminder_exist_once(draft, reviewer1):
    assert notify_users(user_ids=[reviewer1.pk], kind="reviewer_reminder", claim=draft, dedupe_prefix="k") == 1
    notify_users(user_ids=[reviewer1.pk], kind="reviewer_reminder", claim=draft, dedupe_prefix="k")
    assert Notification.objects.filter(dedupe_key=f"k:{reviewer1.pk}").count() == 1


def test_review_leads_include_superusers_not_reviewers(lead, reviewer1, superuser):
    assert review_lead_ids() == sorted([lead.pk, superuser.pk])

"""Drafts nobody touched expire after DRAFT_EXPIRY_DAYS, with a notice a week before
(claims.jobs.drafts): set-based, idempotent, and the expired draft stays the partner's own."""

import datetime as dt
import logging

import pytest

from audit.models import AuditEvent
from claims.jobs.drafts import run_draft_expiry
from claims.models import Claim, Comment
from claims.states import Status
from claims.templatetags.claims_tags import status_pill
from claims.tests.factories import ClaimFactory
from notifications.models import Notification
from notifications.texts import notification_sentence

pytestmark = pytest.mark.django_db


def aged(claim, days, now):
    Claim.objects.filter(pk=claim.pk).update(updated_at=now - dt.timedelta(days=days))
    return claim


@pytest.fixture
def drafts(contoso_mpn, contoso_admin, contoso_viewer, subscription, dynamics_sales, django_db_setup):
    now = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)

    def make(days):
        claim = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, sub=subscription, products=[dynamics_sales])
        return aged(claim, days, now)

    return now, {"fresh": make(10), "soon": make(55), "old": make(61)}


def test_a_week_before_a_notice_then_expiry(drafts, contoso_admin, contoso_viewer, caplog, settings):
    settings.DRAFT_EXPIRY_DAYS = 60
    now, d = drafts
    caplog.set_level(logging.INFO, logger="claims.jobs.rows")
    figures = run_draft_expiry(now=now)
    assert figures == {"drafts_announced": 1, "expiry_notifications": 2, "drafts_expired": 1}
    assert "draft_expiry: drafts_announced=1 expiry_notifications=2 drafts_expired=1" in caplog.text

    notes = Notification.objects.filter(kind="draft_expiring")
    assert {n.recipient_id for n in notes} == {contoso_admin.pk, contoso_viewer.pk}
    assert {n.claim_id for n in notes} == {d["soon"].pk}
    assert "expires on" in notification_sentence(notes.first())

    old = Claim.objects.get(pk=d["old"].pk)
    assert old.status == Status.WITHDRAWN and old.submitted_at is None  # kept, never a reviewer's
    assert AuditEvent.objects.filter(claim=old, action="claims.claim.expired").count() == 1
    assert Comment.objects.filter(claim=old, code="draft_expired").count() == 1
    assert "Draft cancelled" in status_pill(old)
    assert Claim.objects.get(pk=d["fresh"].pk).status == Status.EDITING
    assert Claim.objects.get(pk=d["soon"].pk).status == Status.EDITING

    # A second run does nothing; a draft saved after its notice is announced again only when
    # it is left alone once more.
    assert run_draft_expiry(now=now) == {"drafts_announced": 0, "expiry_notifications": 0, "drafts_expired": 0}
    aged(d["soon"], 1, now)
    later = now + dt.timedelta(days=54)
    assert run_draft_expiry(now=later)["drafts_announced"] == 1
    assert run_draft_expiry(now=later + dt.timedelta(days=7))["drafts_expired"] == 1


def test_the_setting_moves_both(drafts, settings):
    settings.DRAFT_EXPIRY_DAYS = 14
    now, d = drafts
    figures = run_draft_expiry(now=now)
    assert figures["drafts_expired"] == 2  # 55 and 61 days untouched
    assert figures["drafts_announced"] == 1  # 10 days: within a week of 14

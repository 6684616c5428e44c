"""A dispute is allowed once: the rejection after it is final, shown as "Rejected (final)",
told as final (never offering a dispute), and offers no dispute, no PoE and no comment."""

import datetime as dt

import pytest
from django.urls import reverse

from claims.services import claim_dispute, claim_reject
from claims.templatetags.claims_tags import status_pill
from lib import clock
from notifications.models import Notification
from notifications.tests.helpers import rejected
from notifications.texts import notification_sentence
from tests.helpers import login

pytestmark = pytest.mark.django_db


def rejected_twice(draft, contoso_admin, reviewer1):
    claim = rejected(draft, contoso_admin, reviewer1)
    claim = claim_dispute(claim=claim, user=contoso_admin, justification="Signed on page 2.")
    return claim_reject(claim=claim, user=reviewer1, reason="insufficient_poe", message="Still unsigned.")


def test_the_first_rejection_may_be_disputed_and_says_so(draft, contoso_admin, reviewer1):
    claim = rejected(draft, contoso_admin, reviewer1)
    assert "Rejected (final)" not in status_pill(claim)
    note = Notification.objects.filter(claim=claim, kind="decision", recipient=contoso_admin).get()
    assert "You can dispute the decision within 30 days." in notification_sentence(note)


def test_the_rejection_after_a_dispute_is_final_everywhere(client, draft, contoso_admin, reviewer1):
    claim = rejected_twice(draft, contoso_admin, reviewer1)
    assert claim.dispute_until is None
    assert "Rejected (final)" in status_pill(claim)
    note = Notification.objects.filter(claim=claim, kind="decision", recipient=contoso_admin).latest("pk")
    sentence = notification_sentence(note)
    assert "final" in sentence and "dispute" not in sentence
    html = login(client, contoso_admin).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Rejected (final)" in html
    for action in ("claims:dispute", "claims:poe_add", "claims:comment"):
        assert f'action="{reverse(action, args=[claim.pk])}"' not in html, action


def test_a_rejection_whose_window_passed_is_final_too(draft, contoso_admin, reviewer1):
    claim = rejected(draft, contoso_admin, reviewer1)
    with clock.frozen_at(claim.dispute_until - dt.timedelta(minutes=1)):
        assert "Rejected (final)" not in status_pill(claim)
    with clock.frozen_at(claim.dispute_until + dt.timedelta(minutes=1)):
        assert "Rejected (final)" in status_pill(claim)

"""Service times are settings (``SERVICE_DAYS_*``, docs/lifecycle.md "Service times"): each one
sets its deadline, the texts that name it, and what the sweep does when it passes. Defaults
are the portal's 5 / 5 / 5 / 5; here Partner Center's 2023 values 5 / 14 / 14 / 5 and others."""

import datetime as dt

import pytest
from django.urls import reverse

from claims.jobs.sweep import run_sla_sweep
from claims.messages import render_system_message
from claims.models import Claim, Comment, DueKind
from claims.services import claim_dispute, claim_reject, claim_request_info, claim_resubmit
from claims.states import Status
from lib import clock
from lib.business_days import business_days_after
from notifications.models import Notification
from notifications.tests.helpers import action_required, local, submitted, under_review
from notifications.texts import notification_sentence
from tests.helpers import login

pytestmark = pytest.mark.django_db
MONDAY = local(2026, 11, 2, 10)


def test_the_review_start_sets_the_deadline_and_the_partners_texts(settings, draft, contoso_admin, client):
    settings.SERVICE_DAYS_REVIEW_START = 3
    with clock.frozen_at(MONDAY):
        claim = submitted(draft, contoso_admin)
    assert claim.due_kind == DueKind.REVIEW_START
    assert claim.due_at == business_days_after(MONDAY, 3)
    comment = Comment.objects.get(claim=claim, code="submitted")
    assert comment.data == {"days": 3}
    settings.SERVICE_DAYS_REVIEW_START = 9  # a later change does not rewrite what was said
    assert "within 3 business days" in render_system_message("submitted", comment.data)
    assert "within 1 business day." in render_system_message("submitted", {"days": 1})
    html = login(client, contoso_admin).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Microsoft starts the review within 3 business days." in html


def test_a_comment_written_before_the_setting_names_the_current_service_time(settings):
    settings.SERVICE_DAYS_REVIEW_START = 7
    assert "within 7 business days" in render_system_message("submitted", {})


def test_the_decision_sets_the_reviewers_deadline_and_what_is_left_after_a_pause(
    settings, draft, contoso_admin, reviewer1
):
    settings.SERVICE_DAYS_DECISION = 14
    with clock.frozen_at(MONDAY):
        claim = under_review(draft, contoso_admin, reviewer1)
    assert claim.due_kind == DueKind.DECISION and claim.due_at == business_days_after(MONDAY, 14)
    with clock.frozen_at(business_days_after(MONDAY, 4)):
        claim = claim_request_info(claim=claim, user=reviewer1, reasons=["dates"], message="Dates, please.")
    assert claim.paused_days == 10  # 14 less the 4 business days spent


def test_the_partner_answer_sets_the_deadline_the_texts_and_the_automatic_rejection(
    settings, draft, contoso_admin, reviewer1
):
    settings.SERVICE_DAYS_PARTNER_ANSWER = 14
    with clock.frozen_at(MONDAY):
        claim = action_required(draft, contoso_admin, reviewer1)
    assert claim.due_kind == DueKind.PARTNER_RESPONSE
    assert claim.due_at == business_days_after(MONDAY, 14)
    comment = Comment.objects.get(claim=claim, code="info_requested")
    assert "Answer within 14 business days." in render_system_message(comment.code, comment.data)
    note = Notification.objects.filter(claim=claim, kind="info_requested").first()
    assert "Answer by" in notification_sentence(note) and str(claim.due_at.year) in notification_sentence(note)

    # The sweep after 5 business days (the old service time) leaves it; after 14 it rejects.
    run_sla_sweep(now=business_days_after(MONDAY, 6), full=True)
    assert Claim.objects.get(pk=claim.pk).status == Status.ACTION_REQUIRED
    run_sla_sweep(now=business_days_after(MONDAY, 14) + dt.timedelta(minutes=1), full=True)
    claim.refresh_from_db()
    assert claim.status == Status.REJECTED and claim.decision_reason == "no_partner_response"


def test_the_dispute_decision_has_its_own_service_time(settings, draft, contoso_admin, reviewer1):
    settings.SERVICE_DAYS_DECISION = 14
    settings.SERVICE_DAYS_DISPUTE_DECISION = 3
    with clock.frozen_at(MONDAY):
        claim = under_review(draft, contoso_admin, reviewer1)
        claim = claim_reject(claim=claim, user=reviewer1, reason="insufficient_poe", message="Unsigned.")
        claim = claim_dispute(claim=claim, user=contoso_admin, justification="It is signed on page 2.")
    assert claim.status == Status.DISPUTED
    assert claim.due_kind == DueKind.DECISION and claim.due_at == business_days_after(MONDAY, 3)


def test_a_disputes_decision_resumes_on_the_disputes_time(settings, draft, contoso_admin, reviewer1):
    settings.SERVICE_DAYS_DISPUTE_DECISION = 3
    with clock.frozen_at(MONDAY):
        claim = under_review(draft, contoso_admin, reviewer1)
        claim = claim_reject(claim=claim, user=reviewer1, reason="insufficient_poe", message="Unsigned.")
        claim = claim_dispute(claim=claim, user=contoso_admin, justification="It is signed on page 2.")
        claim = claim_request_info(claim=claim, user=reviewer1, reasons=["dates"], message="Dates?")
    assert claim.paused_days == 3
    with clock.frozen_at(business_days_after(MONDAY, 1)):
        claim = claim_resubmit(claim=claim, user=contoso_admin, message="Dated 1 October.")
    assert claim.status == Status.UNDER_REVIEW  # (the state table's way back from a request)
    assert claim.due_at == business_days_after(business_days_after(MONDAY, 1), 3)  # still the dispute's time


def test_reviewer_and_partner_texts_name_the_settings(settings, client, draft, contoso_admin, reviewer1):
    settings.SERVICE_DAYS_PARTNER_ANSWER = 14
    settings.SERVICE_DAYS_DECISION = 12
    claim = under_review(draft, contoso_admin, reviewer1)
    html = login(client, reviewer1).get(reverse("review:claim", args=[claim.pk])).content.decode()
    assert "The partner has 14 business days to answer." in html
    response = client.post(
        reverse("review:request_info", args=[claim.pk]),
        {"version": claim.version, "reasons": ["dates"], "message": "Dates, please."},
        follow=True,
    )
    assert "Information requested. The partner has 14 business days." in response.content.decode()


def test_the_dashboard_counts_on_time_against_the_decision_setting(settings, client, lead):
    settings.SERVICE_DAYS_DECISION = 14
    html = login(client, lead).get(reverse("review:dashboard")).content.decode()
    assert "decisions made within 14 business days of the decision clock starting" in html

"""The claim page: data, SLA clock, timeline, PoE list, partner-visible comments only, the
actions the state and role allow, and nothing of another partner."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Comment
from claims.services import (
    claim_approve,
    claim_assign,
    claim_reject,
    claim_request_info,
    claim_start_review,
    claim_submit,
    claim_withdraw,
    comment_add,
    poe_attach,
)
from claims.states import Status
from claims.tests.factories import ClaimFactory
from claims.tests.test_uploads import pdf_bytes
from tests.helpers import login


def url(claim):
    return reverse("claims:detail", args=[claim.pk])


def test_draft_page(client, contoso_admin, draft):
    login(client, contoso_admin)
    response = client.get(url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert draft.reference in html
    assert 'class="pill status-editing"' in html
    assert draft.customer_domain in html
    assert "poe.pdf" in html
    assert reverse("claims:poe_download", args=[draft.pk, draft.poe_files.get().pk]) in html
    assert reverse("claims:edit", args=[draft.pk]) in html
    assert reverse("claims:submit", args=[draft.pk]) in html
    assert "PoE file added" in html  # the timeline (the factory-made draft has no "created" event)


def test_viewer_sees_everything_but_no_action(client, contoso_viewer, contoso_admin, draft):
    claim_submit(claim=draft, user=contoso_admin)
    login(client, contoso_viewer)
    response = client.get(url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert draft.customer_domain in html
    for name in ("edit", "withdraw", "comment", "poe_add", "submit"):
        assert f'action="{reverse(f"claims:{name}", args=[draft.pk])}"' not in html, name
    assert f'href="{reverse("claims:edit", args=[draft.pk])}"' not in html


def test_foreign_claim_is_404(client, fabrikam_admin, draft):
    login(client, fabrikam_admin)
    assert client.get(url(draft)).status_code == 404


def test_internal_notes_never_reach_the_partner(client, contoso_admin, draft, reviewer1, lead):
    claim_submit(claim=draft, user=contoso_admin)
    comment_add(claim=draft, user=reviewer1, body="INTERNAL: partner looks shady", internal=True)
    comment_add(claim=draft, user=reviewer1, body="Visible question for the partner")
    claim_assign(claim=draft, user=lead, assignee=reviewer1)
    login(client, contoso_admin)
    response = client.get(url(draft))
    html = response.content.decode()
    assert "INTERNAL" not in html
    assert "Visible question for the partner" in html
    assert all(not c.internal for c in response.context["comments"])
    assert "Assigned" not in html
    assert "reviewer1" not in html  # Microsoft staff show as "Microsoft"
    assert ">Microsoft<" in html


def test_timeline_and_sla_through_the_lifecycle(client, contoso_admin, draft, reviewer1):
    claim_submit(claim=draft, user=contoso_admin)
    claim_start_review(claim=draft, user=reviewer1)
    claim_request_info(claim=draft, user=reviewer1, reasons=["poe_missing", "dates"], message="Upload the signed PoE.")
    login(client, contoso_admin)
    response = client.get(url(draft))
    html = response.content.decode()
    whats = [e.what for e in response.context["timeline"]]
    assert whats[0] == "PoE file added"
    assert "Submitted" in whats
    assert "Review started" in whats
    assert "More information requested" in whats
    entry = next(e for e in response.context["timeline"] if e.what == "More information requested")
    assert entry.who == "Microsoft"
    assert "PoE missing or unreadable" in entry.reason
    assert "Upload the signed PoE." in html
    assert 'class="sla sla-' in html
    assert "Your answer is due" in html
    assert reverse("claims:resubmit", args=[draft.pk]) in html


def test_rejected_claim_offers_dispute_and_reclaim(client, contoso_admin, draft, reviewer1):
    claim_submit(claim=draft, user=contoso_admin)
    claim_start_review(claim=draft, user=reviewer1)
    claim_reject(claim=draft, user=reviewer1, reason="insufficient_poe", message="The PoE is not signed.")
    login(client, contoso_admin)
    html = client.get(url(draft)).content.decode()
    assert "Insufficient PoE" in html
    assert "The PoE is not signed." in html
    assert "You can dispute this decision until" in html
    assert reverse("claims:dispute", args=[draft.pk]) in html
    assert reverse("claims:reclaim", args=[draft.pk]) in html


def test_approved_claim_offers_end_not_withdraw(client, contoso_admin, draft, reviewer1):
    claim_submit(claim=draft, user=contoso_admin)
    claim_start_review(claim=draft, user=reviewer1)
    claim_approve(claim=draft, user=reviewer1)
    login(client, contoso_admin)
    html = client.get(url(draft)).content.decode()
    assert reverse("claims:end", args=[draft.pk]) in html
    assert reverse("claims:withdraw", args=[draft.pk]) not in html
    assert reverse("claims:poe_add", args=[draft.pk]) in html


def test_system_comments_render_in_the_readers_words(client, contoso_admin, draft):
    claim_submit(claim=draft, user=contoso_admin)
    login(client, contoso_admin)
    html = client.get(url(draft)).content.decode()
    assert "Claim submitted. Microsoft starts the review within 5 business days." in html


def test_competing_notice_without_the_competitor(
    client, contoso_admin, draft, fabrikam_admin, fabrikam_mpn, subscription, dynamics_sales
):
    claim_submit(claim=draft, user=contoso_admin)
    theirs = ClaimFactory(
        mpn=fabrikam_mpn,
        created_by=fabrikam_admin,
        sub=subscription,
        products=[dynamics_sales],
        customer_contact_name="Fabrikam Secret Contact",
    )
    poe_attach(
        claim=theirs, user=fabrikam_admin, name="fab.pdf", file=ContentFile(pdf_bytes()), content_type="application/pdf"
    )
    claim_submit(claim=theirs, user=fabrikam_admin)
    login(client, contoso_admin)
    html = client.get(url(draft)).content.decode()
    assert "competing-notice" in html
    for secret in ("Fabrikam", "fab.pdf", "Fabrikam Secret Contact", fabrikam_mpn.number, theirs.reference):
        assert secret not in html, secret


def test_detail_query_count_is_bounded(client, contoso_admin, draft, reviewer1):
    claim_submit(claim=draft, user=contoso_admin)
    for i in range(20):
        comment_add(claim=draft, user=reviewer1 if i % 2 else contoso_admin, body=f"comment {i}")
    login(client, contoso_admin)
    client.get(url(draft))
    with CaptureQueriesContext(connection) as few:
        client.get(url(draft))
    for i in range(20):
        comment_add(claim=draft, user=contoso_admin, body=f"more {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(url(draft))
    assert len(few) == len(many)
    assert Comment.objects.filter(claim=draft).count() == 41  # the "submitted" system comment and the 40 above


@pytest.mark.parametrize("status", [Status.WITHDRAWN])
def test_withdrawn_claim_has_reclaim(client, contoso_admin, draft, status):
    claim_withdraw(claim=draft, user=contoso_admin)
    login(client, contoso_admin)
    html = client.get(url(draft)).content.decode()
    assert reverse("claims:reclaim", args=[draft.pk]) in html

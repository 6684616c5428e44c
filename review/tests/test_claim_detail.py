"""The claim review screen: access, the claim's data, the fresh directory checks, PoE with
preview, the thread with internal notes told apart, and the history."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from claims import services
from claims.models import Claim, PoeFile
from claims.tests.factories import TenantFactory
from review.checks import RULES
from review.tests.helpers import another_valid_draft, htmx, under_review
from tests.helpers import login


@pytest.fixture
def reviewing(draft, contoso_admin, reviewer1):
    return under_review(draft, contoso_admin, reviewer1)


@pytest.fixture
def with_files(draft, contoso_admin, reviewer1):
    """Under review, with a PDF, a PNG and a text file (added in that order)."""
    for name, content, content_type in (
        ("newer.png", b"\x89PNG\r\n\x1a\n", "image/png"),
        ("notes.txt", b"text", "text/plain"),
    ):
        services.poe_attach(
            claim=draft, user=contoso_admin, name=name, file=ContentFile(content), content_type=content_type
        )
    return under_review(draft, contoso_admin, reviewer1)


def url(claim):
    return reverse("review:claim", args=[claim.pk])


class TestAccess:
    def test_anonymous_goes_to_login(self, client, reviewing):
        response = client.get(url(reviewing))
        assert response.status_code == 302 and reverse("login") in response["Location"]

    @pytest.mark.parametrize("who", ["contoso_admin", "contoso_viewer", "fabrikam_admin"])
    def test_partner_users_are_refused(self, client, request, reviewing, who):
        login(client, request.getfixturevalue(who))
        assert client.get(url(reviewing)).status_code == 403

    def test_drafts_are_not_found(self, client, draft, reviewer1):
        login(client, reviewer1)
        assert client.get(url(draft)).status_code == 404

    def test_post_is_not_allowed(self, client, reviewing, reviewer1):
        login(client, reviewer1)
        assert client.post(url(reviewing)).status_code == 405


def test_shows_the_claim(client, reviewing, reviewer1):
    login(client, reviewer1)
    html = client.get(url(reviewing)).content.decode()
    claim = Claim.objects.select_related("mpn", "partner", "tenant").get(pk=reviewing.pk)
    for text in (
        claim.reference,
        "Contoso",
        claim.mpn.number,
        "Enrolled in an incentive program",
        "No specific partner type",
        claim.customer_tenant_id,
        claim.customer_domain,
        "Business Applications",
        "Presales",
        "Dynamics 365 Sales",
        claim.subscription_ref,
        "Ada Customer",
        "per@partner.example",
        "go-live workshop",
        "sla-on_track",
        "status-under_review",
    ):
        assert text in html, text


def test_checks_pass_for_a_valid_claim_and_ignore_itself(client, reviewing, reviewer1):
    login(client, reviewer1)
    response = client.get(url(reviewing))
    rows = response.context["checks"].rows
    # A Business Applications claim runs every rule, the subscription's included.
    assert [row.state for row in rows] == ["ok"] * len(RULES), [(r.label, r.state, r.messages) for r in rows]
    assert "already claimed" not in response.content.decode().lower()


def test_checks_show_a_failed_rule_with_its_message(client, reviewing, reviewer1):
    # The directory changed since submission: the domain is now on another tenant.
    other = TenantFactory(domain="moved.example")
    Claim.objects.filter(pk=reviewing.pk).update(customer_domain=other.domains.get().domain)
    login(client, reviewer1)
    response = client.get(url(reviewing))
    bad = [row for row in response.context["checks"].rows if row.state == "bad"]
    assert len(bad) == 1
    assert "domain–tenant mismatch" in bad[0].messages[0]
    html = response.content.decode()
    assert 'class="bad"' in html and "domain–tenant mismatch" in html
    assert "Not checked" in html  # later rules are not claimed to pass


def test_thread_tells_internal_notes_apart(client, reviewing, reviewer1, contoso_admin):
    services.comment_add(claim=reviewing, user=reviewer1, body="INTERNAL-MARKER-7731", internal=True)
    services.comment_add(claim=reviewing, user=contoso_admin, body="Partner says hello")
    login(client, reviewer1)
    html = client.get(url(reviewing)).content.decode()
    internal = html.split("INTERNAL-MARKER-7731")[0].rsplit("<li", 1)[1]
    assert 'class="is-internal"' in internal
    assert "tag-internal" in internal and "Internal note — never shown to the partner" in internal
    visible = html.split("Partner says hello")[0].rsplit("<li", 1)[1]
    assert "is-internal" not in visible and "Partner-visible" in visible
    # The comment form defaults to an internal note.
    assert (
        'value="internal"' in html and 'name="visibility" value="internal" id="id_comment-visibility_0" checked' in html
    )


def test_history_lists_the_audit_events(client, reviewing, reviewer1):
    login(client, reviewer1)
    response = client.get(url(reviewing))
    html = response.content.decode()
    for label in ("PoE file added", "Submitted", "Review started"):
        assert label in html
    assert "Submitted → Under review" in html
    assert [event.action for event in response.context["history"]] == [
        "claims.poe.added",
        "claims.claim.submitted",
        "consent.request.opened",  # the customer's consent link, e-mailed at submission
        "claims.claim.review_started",
    ]


class TestPoe:
    def test_files_newest_first_with_download_and_preview(self, client, with_files, reviewer1):
        claim = with_files
        login(client, reviewer1)
        html = client.get(url(claim)).content.decode()
        assert html.index("notes.txt") < html.index("newer.png") < html.index("poe.pdf")
        for poe in PoeFile.objects.filter(claim=claim):
            assert reverse("claims:poe_download", kwargs={"pk": claim.pk, "poe_id": poe.pk}) in html
            preview = reverse("review:poe_preview", args=[claim.pk, poe.pk])
            assert (preview in html) == (poe.content_type != "text/plain")

    def test_preview_fragment_for_pdf(self, client, reviewing, reviewer1):
        poe = reviewing.poe_files.get()
        login(client, reviewer1)
        response = client.get(reverse("review:poe_preview", args=[reviewing.pk, poe.pk]), **htmx())
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert "<iframe" in html
        assert reverse("claims:poe_preview", kwargs={"pk": reviewing.pk, "poe_id": poe.pk}) in html
        assert "HX-Request" in response["Vary"]

    def test_preview_fragment_for_image(self, client, with_files, reviewer1):
        poe = with_files.poe_files.get(content_type="image/png")
        login(client, reviewer1)
        html = client.get(reverse("review:poe_preview", args=[with_files.pk, poe.pk]), **htmx()).content.decode()
        assert "<img" in html and "<iframe" not in html

    def test_preview_without_javascript_is_the_whole_page(self, client, reviewing, reviewer1):
        poe = reviewing.poe_files.get()
        login(client, reviewer1)
        html = client.get(reverse("review:poe_preview", args=[reviewing.pk, poe.pk])).content.decode()
        assert "<html" in html and "<iframe" in html

    def test_preview_of_another_claims_file_is_404(self, client, reviewing, reviewer1, contoso_mpn, contoso_admin):
        other = another_valid_draft(contoso_mpn, contoso_admin, reviewing.products.get())
        services.claim_submit(claim=other, user=contoso_admin)
        poe = other.poe_files.get()
        login(client, reviewer1)
        assert client.get(reverse("review:poe_preview", args=[reviewing.pk, poe.pk])).status_code == 404

    def test_partner_cannot_use_the_reviewer_preview(self, client, reviewing, contoso_admin):
        poe = reviewing.poe_files.get()
        login(client, contoso_admin)
        assert client.get(reverse("review:poe_preview", args=[reviewing.pk, poe.pk])).status_code == 403


def test_claim_in_an_open_case_is_decided_on_the_case(client, reviewing, reviewer1):
    from arbitration.models import ArbitrationCase, CaseClaim

    case = ArbitrationCase.objects.create(
        association_key=reviewing.association_key, tenant=reviewing.tenant, activity=reviewing.activity
    )
    CaseClaim.objects.create(case=case, claim=reviewing)
    Claim.objects.filter(pk=reviewing.pk).update(is_competing=True)
    login(client, reviewer1)
    html = client.get(url(reviewing)).content.decode()
    assert reverse("arbitration:case", kwargs={"pk": case.pk}) in html
    assert reverse("arbitration:for_claim", kwargs={"claim_pk": reviewing.pk}) in html
    assert reverse("review:approve", args=[reviewing.pk]) not in html
    assert reverse("review:reject", args=[reviewing.pk]) not in html
    assert reverse("review:request_info", args=[reviewing.pk]) in html


def test_the_actions_card_says_what_the_claim_waits_for(client, reviewing, reviewer1, contoso_admin):
    """Never an empty Actions card: waiting on the partner it says until when and what then,
    and points to the thread; after a decision it says what the decision means."""
    claim = services.claim_request_info(claim=reviewing, user=reviewer1, reasons=["dates"], message="Dates?")
    login(client, reviewer1)
    html = client.get(url(claim)).content.decode()
    assert "Waiting for the partner." in html and "rejected automatically" in html
    assert 'href="#claim-thread"' in html and "Write to the partner or add an internal note" in html
    claim = services.claim_resubmit(claim=claim, user=contoso_admin, message="Page 2.")
    claim = services.claim_reject(claim=claim, user=reviewer1, reason="insufficient_poe", message="No.")
    html = client.get(url(claim)).content.decode()
    assert "Rejected." in html and "may dispute it until" in html


def test_decisions_ask_before_they_are_applied(client, reviewing, reviewer1):
    html = login(client, reviewer1).get(url(reviewing)).content.decode()
    assert 'data-confirm="Approve this claim?' in html and 'data-confirm="Reject this claim?' in html


def test_the_same_file_on_another_partners_claim_is_flagged(
    client, reviewing, reviewer1, fabrikam_admin, fabrikam_mpn, dynamics_sales, contoso_admin
):
    """A PoE whose SHA-256 is on another partner's submitted claim is flagged on the review
    screen and in the queue (the other partner is never named); the partner's own other
    claims and another partner's drafts do not count."""
    poe = reviewing.poe_files.get()
    content = poe.file.open("rb").read()
    theirs = another_valid_draft(fabrikam_mpn, fabrikam_admin, dynamics_sales)
    services.poe_attach(
        claim=theirs, user=fabrikam_admin, name="copy.pdf", file=ContentFile(content), content_type="application/pdf"
    )
    login(client, reviewer1)
    assert "Same file on another partner" not in client.get(url(reviewing)).content.decode()  # a draft: theirs alone
    services.claim_submit(claim=theirs, user=fabrikam_admin)
    html = client.get(url(reviewing)).content.decode()
    assert "Same file on another partner" in html and "Fabrikam" not in html
    queue = client.get(reverse("review:queue")).content.decode()
    assert queue.count('class="pill flag-same-file"') == 2  # both claims' rows

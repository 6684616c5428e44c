"""Journey: a reviewer filters the queue, opens a claim with the keyboard and asks the partner
for information; the partner answers and resubmits; the reviewer approves. Another claim is
rejected with a reason. Internal notes never reach a partner page."""

import pytest
from playwright.sync_api import expect

from claims.models import Claim, Comment
from claims.states import Status
from tests.e2e.conftest import pdf_file, settle

pytestmark = pytest.mark.browser


def partner_pages_hide_internal_notes(page, claim_pks):
    """No internal note of these claims on the partner's claim pages, list or notifications."""
    notes = list(Comment.objects.filter(claim__in=claim_pks, internal=True).values_list("body", flat=True))
    assert notes, "the journey should have internal notes to hide"
    for url in [f"/claims/{pk}/" for pk in claim_pks] + ["/claims/", "/notifications/"]:
        response = page.request.get(url)
        assert response.status == 200, url
        body = response.text()
        for note in notes:
            assert note not in body, f"internal note shown on partner page {url}: {note!r}"


def open_actions(page, summary: str):
    details = page.locator("#claim-actions details", has=page.locator("summary", has_text=summary))
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


def test_reviewer_requests_info_partner_answers_reviewer_approves(actors, tmp_path):
    target = Claim.objects.get(
        partner__name="Contoso", tenant__name="Relecloud", activity="usage", status=Status.UNDER_REVIEW
    )
    reviewer = actors("reviewer1")
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("Review queue")

    # Filter by activity and SLA state: the results update in place and the URL follows.
    with reviewer.expect_response(lambda r: "/review/?" in r.url and "activity=usage" in r.url):
        reviewer.locator("#id_activity").select_option("usage")
    with reviewer.expect_response(lambda r: "/review/?" in r.url and "sla=on_track" in r.url):
        reviewer.locator("#id_sla").select_option("on_track")
    settle(reviewer)
    expect(reviewer).to_have_url(f"{actors.base_url}/review/?activity=usage&sla=on_track")
    rows = reviewer.locator("#queue-table tbody tr[data-href]")
    refs = rows.locator("a.row-link").all_inner_texts()
    assert target.reference in refs, refs
    for row in rows.all():
        expect(row).to_contain_text("Usage")
        expect(row.locator(".sla")).to_have_class("sla sla-on_track")

    # Keyboard: j down to the claim, Enter opens it.
    reviewer.locator("body").click(position={"x": 5, "y": 300})
    for _ in range(refs.index(target.reference) + 1):
        reviewer.keyboard.press("j")
    current = rows.nth(refs.index(target.reference))
    expect(current).to_have_attribute("aria-selected", "true")
    with reviewer.expect_navigation():
        reviewer.keyboard.press("Enter")
    expect(reviewer).to_have_url(f"{actors.base_url}/review/claims/{target.pk}/")

    # An internal note, then the request for information with a coded reason.
    note = "INTERNAL: order date checked against the PoE, looks right."
    reviewer.locator("#claim-thread textarea").fill(note)
    reviewer.locator("#claim-thread button[type=submit]").click()
    expect(reviewer.locator("#claim-thread .thread li.is-internal").filter(has_text=note)).to_have_count(1)
    details = open_actions(reviewer, "Request information")
    details.get_by_label("Dates missing or older than 12 months").check()
    message = "Please upload the customer's signed go-live acceptance with its date."
    details.locator("#id_info-message").fill(message)
    details.get_by_role("button", name="Send request to the partner").click()
    expect(reviewer.locator("#claim-status .pill").first).to_have_text("Partner action required")
    settle(reviewer)

    # The partner sees the request, answers with new PoE and resubmits.
    partner = actors("contoso.admin")
    partner.goto(f"/claims/{target.pk}/")
    expect(partner.locator(".page-head h1 .pill")).to_have_text("Partner action required")
    notice = partner.locator(".notice", has_text="Microsoft needs more information from you.")
    expect(notice).to_contain_text(message)
    expect(notice).to_contain_text("Dates missing or older than 12 months")
    partner_pages_hide_internal_notes(partner, [target.pk])
    # A comment posted with HTMX: the thread fragment that comes back has no internal note either.
    partner.locator("#thread textarea").fill("We are asking the customer for the signed acceptance.")
    with partner.expect_response(lambda r: r.url.endswith(f"/claims/{target.pk}/comments/")) as posted:
        partner.locator("#thread button[type=submit]").click()
    expect(partner.locator("#thread .thread")).to_contain_text("We are asking the customer")
    fragment = posted.value.text()
    assert "<html" not in fragment and note not in fragment and "PoE looks fine" not in fragment
    answer = partner.locator("#resubmit")
    answer.get_by_label("Your answer to Microsoft").fill("Signed and dated acceptance attached.")
    answer.locator("input[type=file]").set_input_files(str(pdf_file(tmp_path, "go-live-acceptance.pdf")))
    with partner.expect_navigation():
        answer.get_by_role("button", name="Send answer and resubmit").click()
    expect(partner.locator(".page-head h1 .pill")).to_have_text("Under review")
    expect(partner.locator("#poe")).to_contain_text("go-live-acceptance.pdf")

    # The reviewer sees the answer and approves.
    reviewer.reload()
    expect(reviewer.locator("#claim-thread")).to_contain_text("Signed and dated acceptance attached.")
    expect(reviewer.locator("#poe")).to_contain_text("go-live-acceptance.pdf")
    approve = reviewer.locator("#claim-actions .action-approve")
    approve.locator("textarea").fill("Thanks, the acceptance covers it.")
    asked = []
    reviewer.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    approve.get_by_role("button", name="Approve claim").click()
    expect(reviewer.locator("#claim-status .pill").first).to_have_text("Approved")
    assert asked and asked[0].startswith("Approve this claim?")  # a decision is confirmed first
    settle(reviewer)

    partner.reload()
    expect(partner.locator(".page-head h1 .pill")).to_have_text("Approved")
    expect(partner.locator("#comments")).to_contain_text("Thanks, the acceptance covers it.")
    timeline = partner.locator(".timeline")
    for step in ("Submitted", "Partner action required", "Under review", "Approved"):
        expect(timeline).to_contain_text(step)
    partner_pages_hide_internal_notes(partner, [target.pk])
    assert Claim.objects.get(pk=target.pk).status == Status.APPROVED


def test_reviewer_rejects_a_claim_with_a_reason(actors):
    target = Claim.objects.get(
        partner__name="Fabrikam", tenant__name="Blue Yonder Airlines", activity="usage", status=Status.UNDER_REVIEW
    )
    reviewer = actors("reviewer1")
    reviewer.goto(f"/review/claims/{target.pk}/")
    details = open_actions(reviewer, "Reject")
    details.get_by_label("Reason").select_option(label="Insufficient PoE")
    details.get_by_label("Message to the partner").fill("The usage report does not show who deployed the app.")
    reviewer.once("dialog", lambda dialog: dialog.dismiss())  # changing one's mind keeps the claim as it was
    details.get_by_role("button", name="Reject claim").click()
    reviewer.wait_for_timeout(500)  # long enough for a request that should not have been sent
    expect(reviewer.locator("#claim-status .pill").first).to_have_text("Under review")
    assert Claim.objects.get(pk=target.pk).status == Status.UNDER_REVIEW
    reviewer.once("dialog", lambda dialog: dialog.accept())
    details.get_by_role("button", name="Reject claim").click()
    expect(reviewer.locator("#claim-status .pill").first).to_have_text("Rejected")
    settle(reviewer)

    partner = actors("fabrikam.admin")
    partner.goto(f"/claims/{target.pk}/")
    expect(partner.locator(".page-head h1 .pill")).to_have_text("Rejected")
    expect(partner.locator(".notice", has_text="Rejected:")).to_contain_text(
        "Insufficient PoE — The usage report does not show who deployed the app."
    )
    expect(partner.locator("#dispute")).to_be_visible()  # within the 30-day window
    partner_pages_hide_internal_notes(partner, [target.pk, *_fabrikam_claims_with_notes()])


def _fabrikam_claims_with_notes():
    return list(
        Comment.objects.filter(internal=True, claim__partner__name="Fabrikam").values_list("claim_id", flat=True)
    )

"""Journey: competing claims decided from both sides. Contoso holds an approved association;
Fabrikam claims the same key. A reviewer compares both claims' PoE side by side, asks Fabrikam
alone for more information, Fabrikam answers with new PoE, and the reviewer awards the
association to Fabrikam. Neither partner ever sees the other's name, people, MPN or files."""

import pytest
from playwright.sync_api import expect

from arbitration.models import ArbitrationCase, CaseStatus
from claims.models import Claim, EndReason, PoeFile
from claims.states import Status
from partners.models import Membership, Mpn
from tests.e2e.conftest import pdf_file, settle

pytestmark = pytest.mark.browser


def secrets_of(partner_name: str, extra_files=()) -> list[str]:
    """What must never appear on the other partner's pages: the company name, its people,
    its MPN numbers and its PoE file names."""
    people = Membership.objects.filter(partner__name=partner_name).select_related("user")
    items = [partner_name]
    items += [m.user.get_full_name() for m in people] + [m.user.username for m in people]
    items += list(Mpn.objects.filter(partner__name=partner_name).values_list("number", flat=True))
    items += list(PoeFile.objects.filter(claim__partner__name=partner_name).values_list("original_name", flat=True))
    items += list(extra_files)
    return sorted(set(items))


def assert_nothing_of(page, claim, secrets):
    """The partner's claim page, claim list and notifications hold none of ``secrets``."""
    for url in (f"/claims/{claim.pk}/", "/claims/", "/notifications/"):
        response = page.request.get(url)
        assert response.status == 200, url
        body = response.text()
        leaked = [s for s in secrets if s in body]
        assert not leaked, f"{url} shows the other partner's {leaked}"


def test_competing_claim_arbitration_from_both_sides(actors, tmp_path):
    incumbent = Claim.objects.get(partner__name="Contoso", tenant__name="Tailwind Traders", status=Status.APPROVED)
    challenger = Claim.objects.get(partner__name="Fabrikam", tenant__name="Tailwind Traders", status=Status.SUBMITTED)
    case = ArbitrationCase.objects.get(claims=challenger, status=CaseStatus.OPEN)
    new_poe = pdf_file(tmp_path, "tailwind-workshop-signoff.pdf", "Tailwind Traders signed workshop sign-off")
    contoso_secrets = secrets_of("Contoso")
    fabrikam_secrets = secrets_of("Fabrikam", extra_files=[new_poe.name])

    # Contoso: its association stands while Microsoft reviews; it learns only that a competing claim exists.
    contoso = actors("contoso.admin")
    contoso.goto(f"/claims/{incumbent.pk}/")
    expect(contoso.locator(".page-head h1 .pill")).to_have_text("Approved")
    expect(contoso.locator(".competing-notice")).to_contain_text("Another partner has claimed this customer")
    assert_nothing_of(contoso, incumbent, fabrikam_secrets)

    # The reviewer finds the case and compares the two claims side by side.
    reviewer = actors("reviewer1")
    reviewer.goto("/arbitration/")
    reviewer.locator("#id_q").fill("Tailwind")
    with reviewer.expect_response(lambda r: "/arbitration/?" in r.url and "q=Tailwind" in r.url):
        reviewer.locator("#id_q").press("Enter")
    settle(reviewer)
    rows = reviewer.locator("#case-results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Tailwind Traders")
    with reviewer.expect_navigation():
        rows.first.locator("a.row-link").click()
    expect(reviewer).to_have_url(f"{actors.base_url}/arbitration/{case.pk}/")
    columns = reviewer.locator("#case-columns article.case-col")
    expect(columns).to_have_count(2)
    contoso_col, fabrikam_col = reviewer.locator(f"#col-{incumbent.pk}"), reviewer.locator(f"#col-{challenger.pk}")
    expect(contoso_col.locator("h2")).to_have_text("Contoso")
    expect(contoso_col.locator(".tag-incumbent")).to_be_visible()
    expect(fabrikam_col.locator("h2")).to_have_text("Fabrikam")
    # Both uploaded the same acknowledgement: flagged on both sides.
    expect(contoso_col.locator(".tag-duplicate")).to_have_count(1)
    expect(fabrikam_col.locator(".tag-duplicate")).to_have_count(1)
    # The newest PoE of each column, previewed in place.
    for claim, column in ((incumbent, contoso_col), (challenger, fabrikam_col)):
        newest = column.locator(".poe-list li.is-newest")
        expect(newest.locator(".tag-new")).to_be_visible()
        newest.get_by_role("link", name="Preview").click()
        expect(reviewer.locator(f"#preview-{claim.pk} .preview-head")).to_contain_text(
            newest.locator(".poe-name").inner_text()
        )
    settle(reviewer)

    # Ask Fabrikam only.
    fabrikam_col.get_by_role("link", name="Ask only this partner").click()
    request = reviewer.locator("#request-info")
    expect(request).to_have_attribute("open", "")
    expect(request.locator(f"input[name=claims][value='{challenger.pk}']")).to_be_checked()
    expect(request.locator(f"input[name=claims][value='{incumbent.pk}']")).not_to_be_checked()
    request.get_by_label("Dates missing or older than 12 months").check()
    question = "Please add a dated document signed by Tailwind Traders that shows your presales work."
    request.locator("#id_info-message").fill(question)
    request.get_by_role("button", name="Send the request").click()
    expect(reviewer.locator(f"#col-{challenger.pk} .col-pills .pill").first).to_have_text("Partner action required")
    expect(reviewer.locator(f"#col-{incumbent.pk} .col-pills .pill").first).to_have_text("Approved")
    settle(reviewer)

    # Contoso sees nothing of the request.
    contoso.reload()
    expect(contoso.locator(".page-head h1 .pill")).to_have_text("Approved")
    assert question not in contoso.content()
    assert_nothing_of(contoso, incumbent, fabrikam_secrets)

    # Fabrikam reads the request on its own claim and answers with new PoE.
    fabrikam = actors("fabrikam.admin")
    fabrikam.goto(f"/claims/{challenger.pk}/")
    expect(fabrikam.locator(".page-head h1 .pill")).to_have_text("Partner action required")
    expect(fabrikam.locator(".notice", has_text="Microsoft needs more information")).to_contain_text(question)
    assert_nothing_of(fabrikam, challenger, contoso_secrets)
    answer = fabrikam.locator("#resubmit")
    answer.get_by_label("Your answer to Microsoft").fill("The signed workshop sign-off from March is attached.")
    answer.locator("input[type=file]").set_input_files(str(new_poe))
    with fabrikam.expect_navigation():
        answer.get_by_role("button", name="Send answer and resubmit").click()
    expect(fabrikam.locator(".page-head h1 .pill")).to_have_text("Under review")

    # The reviewer compares again (Fabrikam's newest PoE is the new file) and awards to Fabrikam.
    reviewer.reload()
    expect(reviewer.locator(f"#col-{challenger.pk} .poe-list li.is-newest .poe-name")).to_have_text(new_poe.name)
    award = reviewer.locator("#award")
    award.locator("summary").click()
    award.locator(f"input[name=winner][value='{challenger.pk}']").check()
    reason = "Fabrikam's signed workshop sign-off predates the purchase; Contoso's acknowledgement is undated."
    award.locator("#id_award-reason").fill(reason)
    reviewer.once("dialog", lambda dialog: dialog.accept())  # "Award the association…?"
    award.get_by_role("button", name="Award").click()
    expect(reviewer.locator("#case-head h1 .pill")).to_have_text("Decided")
    expect(reviewer.locator("#case-head")).to_contain_text(reason)
    settle(reviewer)

    # Contoso's association has ended, with the reason; Fabrikam's claim is approved.
    contoso.reload()
    expect(contoso.locator(".page-head h1 .pill")).to_have_text("Ended")
    expect(contoso.locator(".notice", has_text="Association ended:")).to_contain_text("Awarded to a competing claim")
    assert_nothing_of(contoso, incumbent, fabrikam_secrets)
    fabrikam.reload()
    expect(fabrikam.locator(".page-head h1 .pill")).to_have_text("Approved")
    assert_nothing_of(fabrikam, challenger, contoso_secrets)

    incumbent.refresh_from_db()
    challenger.refresh_from_db()
    assert (incumbent.status, incumbent.end_reason) == (Status.ENDED, EndReason.DISPLACED_BY_COMPETING_CLAIM)
    assert challenger.status == Status.APPROVED

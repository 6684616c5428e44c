"""Journey: a partner files a valid claim with proof of execution, and every valid demo case
submits."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from claims.models import Claim
from claims.states import Status
from tests.e2e.claim_form import entry, fill_claim_form, submit_claim
from tests.e2e.conftest import pdf_file

pytestmark = pytest.mark.browser

VALID_CASES = ["valid_presales", "valid_usage", "valid_revenue_association", "valid_m365_usage"]


def test_partner_files_a_valid_claim_with_poe(actors, tmp_path):
    page = actors("contoso.admin")
    page.get_by_role("link", name="New claim").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New claim")

    e = entry("valid_presales", files=[pdf_file(tmp_path, "signed-acknowledgement.pdf")])
    fill_claim_form(page, e)
    # The live checks agree before anything is sent.
    expect(page.locator("#tenant-check .field-ok")).to_contain_text("Northwind Traders")
    expect(page.locator("#subscription-check .field-ok")).to_contain_text("Subscription found")
    submit_claim(page)

    claim = Claim.objects.get(customer_tenant_id=e.tenant_id, partner__name="Contoso", status=Status.SUBMITTED)
    assert page.url.endswith(f"/claims/{claim.pk}/")
    expect(page.locator(".messages")).to_contain_text(f"Claim {claim.reference} submitted")
    expect(page.locator(".page-head h1 .pill")).to_have_text("Submitted")
    timeline = page.locator(".timeline li")
    expect(timeline.filter(has_text="signed-acknowledgement.pdf")).to_have_count(1)
    expect(timeline.filter(has_text="Submitted")).not_to_have_count(0)
    expect(page.locator("#poe .file-list")).to_contain_text("signed-acknowledgement.pdf")
    expect(page.locator(".claim-summary .deadline")).to_contain_text("business days left")
    # The file comes back byte for byte through the access-checked download.
    with page.expect_download() as download:
        page.locator("#poe .file-list a").first.click()
    assert download.value.suggested_filename == "signed-acknowledgement.pdf"
    assert Path(download.value.path()).read_bytes() == e.files[0].read_bytes()
    assert claim.poe_files.count() == 1


def test_every_valid_demo_case_submits(actors, tmp_path):
    """``seed_demo --cases``: the other valid cases (revenue association without a
    subscription, usage, Microsoft 365) submit too."""
    page = actors("contoso.admin")
    for case in VALID_CASES[1:]:
        page.goto("/claims/new/")
        e = entry(case, files=[pdf_file(tmp_path, f"{case}.pdf", case)])
        fill_claim_form(page, e)
        submit_claim(page)
        expect(page.locator(".page-head h1 .pill"), case).to_have_text("Submitted")
        claim = Claim.objects.get(customer_tenant_id=e.tenant_id, partner__name="Contoso", status=Status.SUBMITTED)
        assert claim.products.get().code == e.product, case

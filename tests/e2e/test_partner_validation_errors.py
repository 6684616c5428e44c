"""Journey: a partner runs into each validation rule of the demo cases, sees the message on the
field it concerns with everything typed and the accepted file kept (and no draft left behind),
then corrects one and submits without choosing the file again."""

import pytest
from playwright.sync_api import expect

from claims.models import Claim
from claims.states import Status
from claims.validation import MESSAGES
from tests.e2e.claim_form import cases, entry, expect_values_kept, fill_claim_form, submit_claim
from tests.e2e.conftest import ARTIFACTS, pdf_file

pytestmark = pytest.mark.browser

FAILING = [name for name, row in cases().items() if row["expected"] != "ok"]
SIMPLE_INPUTS = {"customer_tenant_id", "customer_domain", "activity", "subscription_ref"}


def expect_refused_on_field(page, code: str) -> None:
    field = MESSAGES[code][0]
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".error-summary")).to_contain_text("Nothing was saved yet")
    # The message sits in its own field's box, and the summary links to that field's input.
    issue = page.locator(f"#field-{field} .field-error.issue[data-code='{code}']")
    expect(issue).to_be_visible()
    expect(issue).not_to_be_empty()
    anchor = f"id_{field}_0" if field == "products" else f"id_{field}"
    expect(page.locator(f".error-summary a[href='#{anchor}']")).to_have_count(1)
    if field in SIMPLE_INPUTS:
        expect(page.locator(f"#id_{field}")).to_have_attribute("aria-invalid", "true")
    # No other rule fires: each case breaks exactly one.
    expect(page.locator(".field-error.issue[data-code]:not(.live-check *)")).to_have_count(1)


def test_partner_hits_each_validation_error_then_fixes_one(actors, tmp_path):
    assert len(FAILING) >= 10, FAILING
    page = actors("contoso.admin")
    poe = pdf_file(tmp_path)
    problems = []
    for case in FAILING:
        page.goto("/claims/new/")
        e = entry(case, files=[poe])
        fill_claim_form(page, e)
        submit_claim(page)
        try:
            expect_refused_on_field(page, e.expected)
            expect_values_kept(page, e)
        except AssertionError as exc:
            page.screenshot(path=str(ARTIFACTS / f"validation-{case}-FAILED.png"), full_page=True)
            problems.append(f"{case}: {exc}")
    assert not problems, "\n\n".join(problems)
    # No refused submission left a draft behind.
    assert not Claim.objects.filter(partner__name="Contoso", description=entry(FAILING[0]).description).exists()

    # The tenant ID and domain do not match: the partner corrects the domain and submits.
    page.goto("/claims/new/")
    e = entry("domain_tenant_mismatch", files=[poe])
    fill_claim_form(page, e)
    expect(page.locator("#tenant-check .issue[data-code='domain_tenant_mismatch']")).to_be_visible()
    submit_claim(page)
    expect_refused_on_field(page, "domain_tenant_mismatch")
    # The accepted file is kept for the form: nothing to choose again.
    expect(page.locator("#kept-files")).to_contain_text(f"kept: {poe.name}")
    right = entry("valid_presales").domain
    page.locator("#id_customer_domain").fill(right)
    page.locator("#id_customer_domain").press("Tab")  # leaving the field runs the live check
    expect(page.locator("#tenant-check .field-ok")).to_contain_text(right)
    submit_claim(page)
    expect(page.locator(".page-head h1 .pill")).to_have_text("Submitted")
    claim = Claim.objects.get(status=Status.SUBMITTED, customer_domain=right, partner__name="Contoso")
    assert [p.original_name for p in claim.poe_files.all()] == [poe.name]
    assert not Claim.objects.filter(partner__name="Contoso", status=Status.EDITING, description=e.description).exists()

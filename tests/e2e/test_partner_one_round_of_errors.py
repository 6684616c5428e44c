"""Journey (issue "one round of errors, and the files survive it"): a partner files a claim with
every mistake at once — a truncated tenant ID, a wrong domain, a bad subscription ID, no MPN,
no partner contact name, no description, two malformed e-mails, a good PDF and an HTML file
renamed ``.pdf``. One submit shows every error, each on its field, with an error summary at
the top linking to each field; the good PDF is listed as kept and only the HTML file is named
as refused; nothing is saved. The corrected second submit files the claim with that PDF
attached, without choosing it again."""

import pytest
from playwright.sync_api import expect

from claims.models import Claim, PendingUpload, PendingUploadState
from claims.states import Status
from directory.models import Product
from partners.models import Mpn
from tests.e2e.axe import blocking, describe, run_axe
from tests.e2e.claim_form import ENROLLED_CONTOSO_MPN, choose_area, entry, submit_claim
from tests.e2e.conftest import ARTIFACTS, pdf_file, settle

pytestmark = pytest.mark.browser

# Each mistake and where its error must show (the input the summary links to, the field box).
EXPECTED_FIELDS = [
    "name",
    "mpn",
    "customer_tenant_id",
    "customer_domain",
    "subscription_ref",
    "customer_contact_email",
    "partner_contact_name",
    "partner_contact_email",
    "description",
    "poe",
]


def test_every_mistake_in_one_round_and_the_good_pdf_survives(actors, tmp_path):
    page = actors("contoso.admin", bypass_csp=True)
    good = pdf_file(tmp_path, name="signed-acknowledgement.pdf")
    renamed = tmp_path / "statement-of-work.pdf"
    renamed.write_bytes(b"<!doctype html><html><body><h1>SOW</h1><script>alert(1)</script></body></html>")
    right = entry("valid_presales")
    product = Product.objects.get(code=right.product)

    page.goto("/claims/new/")
    # No claim name, no MPN chosen.
    page.locator("#id_customer_tenant_id").fill(right.tenant_id[:-6])
    page.locator("#id_customer_domain").fill("northwind-traders.example")
    choose_area(page, right.solution_area)
    page.locator("#id_activity").select_option(right.activity)
    page.locator(f"#field-products input[value='{product.pk}']").check()
    page.locator("#id_subscription_ref").fill("ORDER-1234")
    page.locator("#id_customer_contact_name").fill("Astrid Lindqvist")
    page.locator("#id_customer_contact_title").fill("CIO")
    page.locator("#id_customer_contact_email").fill("astrid.lindqvist(at)customer")
    page.locator("#id_partner_contact_email").fill("karin.holm@")
    page.locator("#id_poe").set_input_files([str(good), str(renamed)])
    settle(page)
    submit_claim(page)

    # One submit: the summary, focused, lists an error for every mistake, each linking to its input.
    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary).to_contain_text("Nothing was saved yet")
    for name in EXPECTED_FIELDS:
        expect(summary.locator(f"a[href='#id_{name}']").first).to_be_visible()
        expect(page.locator(f"#field-{name} .field-error").first).to_be_visible()
    expect(page.locator("#id_customer_contact_email")).to_have_attribute("aria-invalid", "true")
    # Only the renamed HTML file is refused; the good PDF is kept, with a way to remove it.
    expect(page.locator("#field-poe .field-error")).to_contain_text(renamed.name)
    expect(page.locator("#field-poe .field-error")).not_to_contain_text(good.name)
    kept = page.locator("#kept-files")
    expect(kept).to_contain_text(f"kept: {good.name}")
    expect(kept.get_by_role("button", name=f"Remove {good.name}")).to_be_visible()
    expect(kept).not_to_contain_text(renamed.name)
    # "Contact support" is the advice of the directory error, not of the e-mail typos.
    expect(page.locator("#field-customer_contact_email")).not_to_contain_text("Contact support")
    expect(page.locator("#field-customer_domain .advice")).to_contain_text("Contact support")
    # Everything typed is still there.
    expect(page.locator("#id_customer_contact_name")).to_have_value("Astrid Lindqvist")
    expect(page.locator("#id_subscription_ref")).to_have_value("ORDER-1234")
    assert not Claim.objects.filter(partner__name="Contoso", customer_contact_name="Astrid Lindqvist").exists()
    assert PendingUpload.objects.filter(name=good.name, state=PendingUploadState.KEPT).count() == 1
    page.screenshot(path=str(ARTIFACTS / "one-round-of-errors.png"), full_page=True)
    serious = blocking(run_axe(page, "claim form (every mistake at once, error summary)"))
    assert not serious, describe(serious)

    # A summary link takes the keyboard to the field.
    summary.locator("a[href='#id_customer_contact_email']").click()
    expect(page.locator("#id_customer_contact_email")).to_be_focused()

    # The corrected second submit: no file chosen again.
    mpn = Mpn.objects.get(number=ENROLLED_CONTOSO_MPN)
    page.locator("#id_name").fill("Northwind Traders – Dynamics 365 Sales proof of concept")
    page.locator("#id_mpn").select_option(str(mpn.pk))
    page.locator("#id_customer_tenant_id").fill(right.tenant_id)
    page.locator("#id_customer_domain").fill(right.domain)
    page.locator("#id_subscription_ref").fill(right.subscription_id)
    page.locator("#id_customer_contact_email").fill("astrid.lindqvist@customer.example")
    page.locator("#id_partner_contact_name").fill("Karin Holm")
    page.locator("#id_partner_contact_email").fill("karin.holm@contoso.example")
    page.locator("#id_description").fill("Discovery workshops and a two-week proof of concept before the purchase.")
    settle(page)
    assert page.locator("#id_poe").evaluate("input => input.files.length") == 0
    submit_claim(page)
    expect(page.locator(".page-head h1 .pill")).to_have_text("Submitted")
    claim = Claim.objects.get(partner__name="Contoso", customer_contact_name="Astrid Lindqvist")
    assert claim.status == Status.SUBMITTED
    assert [p.original_name for p in claim.poe_files.all()] == [good.name]
    expect(page.locator("#poe")).to_contain_text(good.name)
    assert PendingUpload.objects.get(name=good.name).state == PendingUploadState.ATTACHED
    page.screenshot(path=str(ARTIFACTS / "one-round-of-errors-submitted.png"), full_page=True)

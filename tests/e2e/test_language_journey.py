"""Journey: a partner switches the portal to Swedish from the header; the page, the navigation
and the claim form's validation messages come back in Swedish, and the choice is kept."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import User
from claims.validation import _issue, parse_guid
from tests.e2e.claim_form import entry, fill_claim_form, submit_claim
from tests.e2e.conftest import pdf_file, tr

pytestmark = pytest.mark.browser

CATALOG = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.mo"
NAVIGATION = ("My claims", "New claim", "Notifications", "Sign out")


def switch_language(page, code: str) -> None:
    page.locator("#lang-select").select_option(code)  # choosing alone changes nothing (WCAG 3.2.2)
    with page.expect_navigation():
        page.locator(".lang-form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def test_partner_switches_to_swedish(actors, tmp_path):
    assert CATALOG.exists(), f"no compiled Swedish catalog at {CATALOG}"
    swedish = {text: tr(text, "sv") for text in NAVIGATION}
    untranslated = [text for text, sv in swedish.items() if sv == text]
    assert not untranslated, f"navigation not translated to Swedish: {untranslated}"

    page = actors("contoso.admin")
    expect(page.locator("#lang-select")).to_have_value("en")
    switch_language(page, "sv")
    assert page.url.endswith("/claims/")  # back on the page where the switch was made
    expect(page.locator("#lang-select")).to_have_value("sv")
    expect(page.locator("#lang-select option:checked")).to_have_text("Svenska")
    nav = page.locator(".main-nav")
    for text in ("My claims", "New claim"):
        expect(nav).to_contain_text(swedish[text])
    expect(page.locator(".header-tools")).to_contain_text(swedish["Sign out"])
    expect(page.get_by_role("heading", level=1)).to_have_text(swedish["My claims"])
    assert User.objects.get(username="contoso.admin").language == "sv"  # kept for e-mail and next sign-in

    # A validation message in Swedish, on its field, with what was typed kept.
    page.goto("/claims/new/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    e = entry("domain_tenant_mismatch", files=[pdf_file(tmp_path)])
    fill_claim_form(page, e)
    submit_claim(page)
    issue = _issue("domain_tenant_mismatch", value=e.domain, tenant_id=parse_guid(e.tenant_id))
    english = issue.message
    with translation.override("sv"):
        message = issue.message
    assert message != english, "the domain–tenant message has no Swedish translation"
    error = page.locator("#field-customer_domain .field-error.issue[data-code='domain_tenant_mismatch']")
    expect(error).to_contain_text(message)
    expect(page.locator("#id_customer_domain")).to_have_value(e.domain)

    # The refused claim was not saved (no junk draft); back to English, the new-claim form again.
    switch_language(page, "en")
    expect(page.locator(".main-nav")).to_contain_text("My claims")
    expect(page).to_have_url(re.compile(r"/claims/new/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("New claim")

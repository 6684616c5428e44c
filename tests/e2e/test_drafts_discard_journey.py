"""Journey (#14, item 3): a partner discards abandoned drafts from "Needs your action" in one
step — tick them, confirm on the next page, told how many — and the pages involved have no
serious accessibility violations. A read-only colleague sees the list without the checkboxes."""

import pytest
from playwright.sync_api import expect

from claims.models import Claim
from claims.states import Status
from tests.e2e.axe import blocking, describe, run_axe

pytestmark = pytest.mark.browser


def test_partner_discards_drafts_in_one_step(actors):
    drafts = list(Claim.objects.filter(partner__name="Contoso", status=Status.EDITING).order_by("pk"))
    assert len(drafts) >= 2, "the demo has Contoso drafts"
    chosen = drafts[:2]
    page = actors("contoso.admin", bypass_csp=True)
    page.goto("/claims/")
    section = page.locator(".needs-action")
    for claim in chosen:
        section.get_by_label(f"Select draft {claim.reference} to discard").check()
    serious = blocking(run_axe(page, "my claims (drafts ticked)"))
    assert not serious, describe(serious)
    section.get_by_role("button", name="Discard the selected drafts…").click()

    expect(page.get_by_role("heading", level=2)).to_have_text("Discard these 2 drafts?")
    for claim in chosen:
        expect(page.locator(".danger-zone")).to_contain_text(claim.reference)
    serious = blocking(run_axe(page, "discard drafts (confirmation)"))
    assert not serious, describe(serious)
    page.get_by_role("button", name="Discard 2 drafts").click()

    expect(page.locator(".messages")).to_contain_text("2 drafts discarded.")
    assert page.url.endswith("/claims/")
    assert {c.status for c in Claim.objects.filter(pk__in=[c.pk for c in chosen])} == {Status.WITHDRAWN}
    for claim in chosen:
        expect(page.locator(".needs-action")).not_to_contain_text(claim.reference)


def test_a_read_only_colleague_gets_no_checkboxes(actors):
    page = actors("contoso.viewer")
    page.goto("/claims/")
    expect(page.locator(".needs-action")).to_be_visible()
    expect(page.locator(".needs-action input[type=checkbox]")).to_have_count(0)

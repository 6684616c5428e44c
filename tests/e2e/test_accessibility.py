"""Accessibility: axe-core on every main screen, in the states people meet them (forms with
errors, open action panels, HTMX results): zero serious or critical violations."""

import pytest
from playwright.sync_api import expect

from arbitration.models import ArbitrationCase, CaseStatus
from claims.models import Claim
from claims.states import Status
from tests.e2e.axe import blocking, describe, run_axe
from tests.e2e.claim_form import entry, fill_claim_form, submit_claim
from tests.e2e.conftest import pdf_file, settle, sign_in

pytestmark = pytest.mark.browser


def check(page, label, failures):
    violations = run_axe(page, label)
    serious = blocking(violations)
    if serious:
        failures.append(f"{label} ({page.url}):\n{describe(serious)}")


def test_login_page_is_accessible(actors):
    failures = []
    page = actors.new_page("anonymous", bypass_csp=True)
    page.goto("/accounts/login/")
    check(page, "login", failures)
    sign_in(page, "contoso.admin", password="wrong")
    expect(page.get_by_role("alert")).to_be_visible()
    check(page, "login (wrong password)", failures)
    assert not failures, "\n\n".join(failures)


def test_partner_pages_are_accessible(actors, tmp_path):
    failures = []
    page = actors("contoso.admin", bypass_csp=True)
    check(page, "my claims", failures)

    page.goto("/claims/new/")
    check(page, "new claim (empty)", failures)
    e = entry("subscription_other_tenant", files=[pdf_file(tmp_path)])
    fill_claim_form(page, e)
    expect(page.locator("#subscription-check .issue")).to_be_visible()
    check(page, "new claim (filled, live checks)", failures)
    submit_claim(page)
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, "claim form (refused submission)", failures)

    stories = {
        "claim page (action required)": Claim.objects.filter(
            partner__name="Contoso", status=Status.ACTION_REQUIRED
        ).first(),
        "claim page (approved, competing)": Claim.objects.get(
            partner__name="Contoso", tenant__name="Tailwind Traders", status=Status.APPROVED
        ),
        "claim page (rejected, disputable)": Claim.objects.filter(
            partner__name="Contoso", status=Status.REJECTED, dispute_until__isnull=False
        ).first(),
        "claim page (draft)": Claim.objects.filter(partner__name="Contoso", status=Status.EDITING).first(),
    }
    for label, claim in stories.items():
        assert claim is not None, label
        page.goto(f"/claims/{claim.pk}/")
        check(page, label, failures)
    page.goto("/notifications/")
    check(page, "partner notifications", failures)
    assert not failures, "\n\n".join(failures)


def test_reviewer_pages_are_accessible(actors):
    failures = []
    page = actors("reviewer1", bypass_csp=True)
    check(page, "review queue", failures)
    with page.expect_response(lambda r: "activity=usage" in r.url):
        page.locator("#id_activity").select_option("usage")
    settle(page)
    check(page, "review queue (filtered by HTMX)", failures)

    under_review = Claim.objects.filter(status=Status.UNDER_REVIEW, is_competing=False).first()
    page.goto(f"/review/claims/{under_review.pk}/")
    check(page, "review screen (under review)", failures)
    page.locator("#poe .poe-links").first.get_by_role("link", name="Preview").click()
    expect(page.locator("#poe-preview .preview-head")).to_be_visible()
    check(page, "review screen (PoE preview)", failures)
    submitted = Claim.objects.filter(status=Status.SUBMITTED, is_competing=False).first()
    page.goto(f"/review/claims/{submitted.pk}/")
    check(page, "review screen (submitted)", failures)

    page.goto("/arbitration/")
    check(page, "arbitration cases", failures)
    page.goto("/arbitration/?status=decided")
    check(page, "arbitration cases (decided)", failures)
    case = ArbitrationCase.objects.filter(status=CaseStatus.OPEN).first()
    page.goto(f"/arbitration/{case.pk}/")
    check(page, "arbitration case (open)", failures)
    decided = ArbitrationCase.objects.filter(status=CaseStatus.DECIDED).first()
    page.goto(f"/arbitration/{decided.pk}/")
    check(page, "arbitration case (decided)", failures)

    page.goto("/review/dashboard/")
    check(page, "dashboard", failures)
    page.goto("/notifications/")
    check(page, "reviewer notifications", failures)
    assert not failures, "\n\n".join(failures)

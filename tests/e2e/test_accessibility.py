"""Accessibility: axe-core on every main screen, in English and Swedish, in the states people
meet them (forms with errors, open action panels, results and errors swapped in by HTMX, the
403 and 404 pages), and on the admin's index and claims list: zero serious or critical
results, among the violations and among what axe marks "needs review" (``axe.blocking``).
The states are listed once in ``tests/e2e/pages.py`` (the reflow checks visit the same)."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from claims.models import Claim
from claims.states import Status
from tests.e2e.axe import blocking, describe, run_axe
from tests.e2e.conftest import sign_in
from tests.e2e.pages import anonymous_states, consent_states, goto, partner_states, reviewer_states

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "sv"]


def check_states(page, states: dict, language: str) -> None:
    failures = []
    for label, reach in states.items():
        reach(page)
        serious = blocking(run_axe(page, f"{label} [{language}]"))
        if serious:
            failures.append(f"{label} [{language}] ({page.url}):\n{describe(serious)}")
    assert not failures, "\n\n".join(failures)


def signed_in(actors, username: str, language: str):
    User.objects.filter(username=username).update(language=language)
    page = actors.new_page(f"{username}-{language}", bypass_csp=True)
    sign_in(page, username)
    expect(page.locator("html")).to_have_attribute("lang", language)
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_page_is_accessible(actors, language):
    page = actors.new_page("anonymous", bypass_csp=True, locale="sv-SE" if language == "sv" else "en-US")
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    check_states(page, anonymous_states(), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_consent_pages_are_accessible(actors, language):
    """The customer's consent page (no login), in the e-mail's language."""
    page = actors.new_page("customer", bypass_csp=True, locale="sv-SE" if language == "sv" else "en-US")
    states = consent_states(language)
    check_states(page, states, language)
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_partner_pages_are_accessible(actors, language, tmp_path):
    check_states(signed_in(actors, "contoso.admin", language), partner_states(tmp_path), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_reviewer_pages_are_accessible(actors, language):
    check_states(signed_in(actors, "reviewer1", language), reviewer_states(), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_pages_are_accessible(actors, language):
    """The operator's admin: Django's templates with our overrides (templates/admin/), list
    columns and labels, and static/admin-cpor/admin.css."""
    claim = Claim.objects.filter(status=Status.UNDER_REVIEW).first()
    states = {
        "admin index": goto("/admin/"),
        "admin claims list": goto("/admin/claims/claim/"),
        "admin claims list (filtered, sorted by deadline)": goto("/admin/claims/claim/?status__exact=submitted&o=-6"),
        "admin claim page": goto(f"/admin/claims/claim/{claim.pk}/change/"),
    }
    check_states(signed_in(actors, "admin", language), states, language)

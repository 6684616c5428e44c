"""Reflow (WCAG 1.4.10; #22, item 7): every partner and reviewer page state, the login and the
error pages work at 320 CSS px wide (320 × 800) and at 200% zoom of a 1366-pixel laptop
(683 × 400 CSS px: what the browser lays out when zoomed; the device pixel ratio changes only
the sharpness) without scrolling sideways, in English and Swedish. Only a data table may be
wider than the screen, and then it scrolls inside its own labelled, focusable region
(``pages.OVERFLOWING``). The states are those axe-core checks (``tests/e2e/pages.py``), reached
at 320 px, so what HTMX swaps in is drawn at that width too. Screenshots at 320 px go to
test-artifacts/e2e (``reflow-320-<language>-<state>.png``). A review lead's extra forms are
checked in Swedish."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import ARTIFACTS, sign_in
from tests.e2e.pages import anonymous_states, assert_fits, consent_states, partner_states, reviewer_states

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 800}
ZOOMED = {"width": 683, "height": 400}
LANGUAGES = ["en", "sv"]


def screenshot(page, label: str, language: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    page.screenshot(path=str(ARTIFACTS / f"reflow-320-{language}-{slug}.png"), full_page=True)


def check_reflow(page, states: dict, language: str) -> None:
    failures = []
    for label, reach in states.items():
        page.set_viewport_size(NARROW)
        reach(page)
        # The forms folded in <details> (add PoE, withdraw, reject, ...) must fit too.
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        screenshot(page, label, language)
        for viewport in (NARROW, ZOOMED):
            page.set_viewport_size(viewport)
            try:
                assert_fits(page, f"{label} [{language}]", viewport)
            except AssertionError as exc:
                failures.append(str(exc))
    assert not failures, "\n".join(failures)


def signed_in(actors, username: str, language: str):
    User.objects.filter(username=username).update(language=language)
    page = actors.new_page(f"{username}-{language}")
    page.set_viewport_size(NARROW)
    sign_in(page, username)
    expect(page.locator("html")).to_have_attribute("lang", language)
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_reflows(actors, language):
    page = actors.new_page(f"anonymous-{language}", locale="sv-SE" if language == "sv" else "en-US")
    page.set_viewport_size(NARROW)
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    check_reflow(page, anonymous_states(), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_consent_pages_reflow(actors, language):
    page = actors.new_page(f"customer-{language}", locale="sv-SE" if language == "sv" else "en-US")
    page.set_viewport_size(NARROW)
    check_reflow(page, consent_states(language), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_partner_pages_reflow(actors, language, tmp_path):
    page = signed_in(actors, "contoso.admin", language)
    check_reflow(page, partner_states(tmp_path), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_reviewer_pages_reflow(actors, language):
    page = signed_in(actors, "reviewer1", language)
    check_reflow(page, reviewer_states(), language)


def test_review_lead_pages_reflow(actors):
    """A review lead's pages carry more forms (assign to a reviewer, revert a decision, reopen a
    case): in Swedish, the longer language."""
    states = {
        f"lead, {label}": reach
        for label, reach in reviewer_states().items()
        if label.startswith(("review queue", "review screen", "arbitration case ("))
    }
    check_reflow(signed_in(actors, "lead", "sv"), states, "sv")

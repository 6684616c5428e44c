"""Journey (#14, item 10): a partner checks claims on a phone (390 × 844, English and Swedish).
The claim list, claim pages in several states and the claim form (empty, and refused with its
error summary) never scroll sideways, no element sticks out past the screen's edge (only a
deliberately scrollable, labelled region may hold something wider), and axe-core finds nothing
serious there. The same pages at 1366 px keep their desktop layout. Screenshots at both widths
go to test-artifacts/e2e (``narrow-<width>-<language>-<page>.png``). Every partner and reviewer
page at 320 px and at 200% zoom: test_reflow.py."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.axe import blocking, describe, run_axe
from tests.e2e.conftest import ARTIFACTS, sign_in, tr
from tests.e2e.pages import assert_fits, partner_claims, refused_submission

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def assert_list_is_cards(page, language: str) -> None:
    """At phone width the claim list's rows are cards that fit: its region does not scroll, and a
    row's values carry their column's name (the deadline's, in the page's language)."""
    region = page.locator(".table-wrap[role=region]")
    expect(region).to_have_accessible_name(tr("Your company's claims", language))
    widths = region.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1], f"the claim list scrolls inside its region at 390 px [{language}]: {widths}"
    first = page.locator(".claims-table tbody tr").first
    deadline = first.locator("td[data-label]", has=page.locator(".sla"))
    label = deadline.evaluate("(td) => getComputedStyle(td, '::before').content")
    assert label == f'"{tr("Deadline", language)}: "', label
    boxes = [cell.bounding_box() for cell in (first.locator("td").first, first.locator("td.col-status"))]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 8 and boxes[1]["x"] > boxes[0]["x"], f"reference and status: {boxes}"


def partner_page(actors, username: str, language: str, viewport: dict):
    User.objects.filter(username=username).update(language=language)
    page = actors.new_page(f"{username}-{language}-{viewport['width']}", bypass_csp=True)
    page.set_viewport_size(viewport)
    sign_in(page, username)
    expect(page.locator("html")).to_have_attribute("lang", language)
    return page


def partner_pages() -> dict[str, str]:
    pages = {"my claims": "/claims/", "new claim": "/claims/new/"}
    return pages | {f"claim page, {label}": f"/claims/{claim.pk}/" for label, claim in partner_claims().items()}


def screenshot(page, label: str, language: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    page.screenshot(path=str(ARTIFACTS / f"narrow-{page.viewport_size['width']}-{language}-{slug}.png"), full_page=True)


@pytest.mark.parametrize("language", ["en", "sv"])
def test_partner_pages_fit_a_phone(actors, language, tmp_path):
    page = partner_page(actors, "contoso.admin", language, PHONE)
    failures, axe_failures = [], []
    states = {label: (lambda url=url: page.goto(url)) for label, url in partner_pages().items()}
    states["claim form, refused submission"] = lambda: refused_submission(tmp_path)(page)
    for label, reach in states.items():
        reach()
        screenshot(page, label, language)
        # The forms folded in <details> (add PoE, withdraw, ...) must fit too.
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        try:
            assert_fits(page, f"{label} [{language}]", PHONE)
            if label == "my claims":
                assert_list_is_cards(page, language)
        except AssertionError as exc:
            failures.append(str(exc))
        serious = blocking(run_axe(page, f"{label} at 390 px [{language}]"))
        if serious:
            axe_failures.append(f"{label} [{language}]:\n{describe(serious)}")
    assert not failures, "\n".join(failures)
    assert not axe_failures, "\n\n".join(axe_failures)


@pytest.mark.parametrize("language", ["en", "sv"])
def test_partner_pages_at_laptop_width(actors, language):
    """The same pages at 1366 px keep the table layout, and the claim list needs no scrolling."""
    page = partner_page(actors, "contoso.admin", language, DESKTOP)
    for label, url in partner_pages().items():
        page.goto(url)
        screenshot(page, label, language)
        assert_fits(page, f"{label} [{language}]", DESKTOP)
        if url == "/claims/":
            assert page.locator(".claims-table thead").bounding_box()["height"] > 20  # real column headings
            wrap = page.evaluate(
                "() => { const w = document.querySelector('.table-wrap'); return [w.scrollWidth, w.clientWidth]; }"
            )
            assert wrap[0] <= wrap[1], f"the claim list scrolls inside its region at 1366 px [{language}]: {wrap}"

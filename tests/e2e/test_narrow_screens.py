"""Journey (#14, item 10): a partner checks claims on a phone (390 × 844, English and Swedish).
The claim list, claim pages in several states and the claim form (empty, and refused with its
error summary) never scroll sideways, no element sticks out past the screen's edge (only a
deliberately scrollable, labelled region may hold something wider), and axe-core finds nothing
serious there. The same pages at 1366 px keep their desktop layout. Screenshots at both widths
go to test-artifacts/e2e (``narrow-<width>-<language>-<page>.png``)."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from claims.models import Claim
from claims.states import Status
from tests.e2e.axe import blocking, describe, run_axe
from tests.e2e.claim_form import entry, fill_claim_form, submit_claim
from tests.e2e.conftest import ARTIFACTS, pdf_file, sign_in, tr

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# Every visible element whose box reaches past the viewport's right edge, unless it sits in a
# scrollable region that says so (role=region, a label, focusable, overflow-x auto/scroll) and
# that region itself fits. Elements of a hidden size (visually-hidden text) do not count.
OVERFLOWING = """() => {
    const width = document.documentElement.clientWidth;
    const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.classList.length ? '.' + [...el.classList].join('.') : '');
    const inScrollRegion = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const style = getComputedStyle(p);
            if (['auto', 'scroll'].includes(style.overflowX) && p.getAttribute('role') === 'region'
                && (p.getAttribute('aria-label') || p.getAttribute('aria-labelledby'))
                && p.tabIndex >= 0 && p.getBoundingClientRect().right <= width + 0.5) return true;
        }
        return false;
    };
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1 || box.right <= width + 0.5) continue;
        if (getComputedStyle(el).visibility === 'hidden' || inScrollRegion(el)) continue;
        // Name the outermost element that sticks out, not each of its descendants.
        const parent = el.parentElement;
        if (parent && parent !== document.body && parent.getBoundingClientRect().right > width + 0.5) continue;
        found.push(`${name(el)} (right edge ${Math.round(box.right)} px, ${Math.round(box.width)} px wide)`);
    }
    return found;
}"""


def assert_fits(page, label: str, viewport: dict) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    wider = page.evaluate(OVERFLOWING)
    assert widths[0] <= viewport["width"] and not wider, (
        f"{label} ({page.url}) scrolls sideways at {viewport['width']} px: scrollWidth {widths[0]}; "
        + "; ".join(wider[:12])
    )


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


def claim_pages() -> dict[str, Claim]:
    """Contoso's claims in the states a partner meets on the claim page."""
    found = {
        "action required (request, comments, PoE)": Claim.objects.filter(
            partner__name="Contoso", status=Status.ACTION_REQUIRED, comments__isnull=False, poe_files__isnull=False
        )
        .distinct()
        .first(),
        "approved, competing": Claim.objects.filter(
            partner__name="Contoso", tenant__name="Tailwind Traders", status=Status.APPROVED
        ).first(),
        "rejected, disputable": Claim.objects.filter(
            partner__name="Contoso", status=Status.REJECTED, dispute_until__isnull=False
        ).first(),
        "draft": Claim.objects.filter(partner__name="Contoso", status=Status.EDITING).first(),
        "under review": Claim.objects.filter(partner__name="Contoso", status=Status.UNDER_REVIEW).first(),
        "ended": Claim.objects.filter(partner__name="Contoso", status=Status.ENDED).first(),
    }
    missing = [label for label, claim in found.items() if claim is None]
    assert not missing, f"no demo claim for {missing}"
    return found


def partner_pages() -> dict[str, str]:
    pages = {"my claims": "/claims/", "new claim": "/claims/new/"}
    return pages | {f"claim page, {label}": f"/claims/{claim.pk}/" for label, claim in claim_pages().items()}


def screenshot(page, label: str, language: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    page.screenshot(path=str(ARTIFACTS / f"narrow-{page.viewport_size['width']}-{language}-{slug}.png"), full_page=True)


def refused_submission(page, tmp_path) -> None:
    """The claim form after a submission the directory refuses: the error summary on top, the
    messages on their fields (the longest texts the form shows)."""
    page.goto("/claims/new/")
    fill_claim_form(page, entry("subscription_other_tenant", files=[pdf_file(tmp_path)]))
    submit_claim(page)
    expect(page.locator(".error-summary")).to_be_visible()


@pytest.mark.parametrize("language", ["en", "sv"])
def test_partner_pages_fit_a_phone(actors, language, tmp_path):
    page = partner_page(actors, "contoso.admin", language, PHONE)
    failures, axe_failures = [], []
    states = {label: (lambda url=url: page.goto(url)) for label, url in partner_pages().items()}
    states["claim form, refused submission"] = lambda: refused_submission(page, tmp_path)
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

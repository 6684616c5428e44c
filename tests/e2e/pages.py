"""The page states the accessibility and reflow checks visit, and the reflow check itself.

Every partner and reviewer page, in the states people meet them: forms refused with their
errors, panels opened, results and errors swapped in by HTMX, 403 and 404 (the live server
runs with DEBUG off: the portal's own error pages). Each state is a function that brings an
open, signed-in page to it. The same lists serve axe-core (test_accessibility.py, in English
and Swedish) and the page-width checks (test_reflow.py at 320 px and at 200% zoom), so a state
added for one is checked by both."""

from collections.abc import Callable

from playwright.sync_api import Page, expect

from accounts.models import User
from arbitration.models import ArbitrationCase, CaseStatus
from claims.models import Claim
from claims.states import Status
from consent.models import ConsentRequest
from consent.services import consent_resend
from consent.tokens import link_token
from tests.e2e.claim_form import entry, fill_claim_form, submit_claim
from tests.e2e.conftest import pdf_file, settle, sign_in

State = Callable[[Page], None]

# Every visible element whose box reaches past the viewport's right edge, and every text that
# runs out of its own box past it, unless it sits in a scrollable region that says so
# (role=region, a label, focusable, overflow-x auto/scroll) and that region itself fits.
# Elements of a hidden size (visually-hidden text) do not count.
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
    // Text that runs out of its own box (a word that does not wrap) widens the page too, unless
    // a box around it clips it (visually-hidden text, overflow hidden).
    const clipped = (el) => {
        for (let p = el; p && p !== document.body; p = p.parentElement) {
            const style = getComputedStyle(p);
            if (['hidden', 'clip'].includes(style.overflowX) || style.clip !== 'auto') return true;
        }
        return false;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const text = walker.currentNode, parent = text.parentElement;
        if (!parent || !text.textContent.trim() || getComputedStyle(parent).visibility === 'hidden') continue;
        if (parent.getBoundingClientRect().right > width + 0.5 || inScrollRegion(text) || clipped(parent)) continue;
        const range = document.createRange();
        range.selectNodeContents(text);
        const right = Math.max(0, ...[...range.getClientRects()].map(r => r.right));
        const snippet = text.textContent.trim().slice(0, 40);
        if (right > width + 0.5) found.push(`text "${snippet}" in ${name(parent)} (right edge ${Math.round(right)})`);
    }
    return found;
}"""


def assert_fits(page, label: str, viewport: dict) -> None:
    """No sideways scrolling: the document is no wider than the viewport, and nothing sticks
    out past its edge except inside a labelled, focusable scroll region (a data table's)."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    wider = page.evaluate(OVERFLOWING)
    assert widths[0] <= viewport["width"] and not wider, (
        f"{label} ({page.url}) scrolls sideways at {viewport['width']} px: scrollWidth {widths[0]}; "
        + "; ".join(wider[:12])
    )


def goto(url: str) -> State:
    return lambda page: page.goto(url)


def expect_error_page(url: str, status: int) -> State:
    """The portal's own error page (the browser logs the status as a console error)."""

    def reach(page):
        page.allowed_console.append(f"status of {status}")
        response = page.goto(url)
        assert response.status == status, (url, response.status)

    return reach


def partner_claims() -> dict[str, Claim]:
    """Contoso's claims in the states a partner meets on the claim page."""
    found = {
        "action required": Claim.objects.filter(
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


def filled_claim_form(tmp_path) -> State:
    """The new-claim form filled in, its live checks (HTMX) showing a subscription problem."""

    def reach(page):
        page.goto("/claims/new/")
        fill_claim_form(page, entry("subscription_other_tenant", files=[pdf_file(tmp_path)]))
        expect(page.locator("#subscription-check .issue")).to_be_visible()

    return reach


def refused_submission(tmp_path) -> State:
    """The claim form after a submission the directory refuses: the error summary on top, the
    messages on their fields (the longest texts the form shows)."""

    def reach(page):
        filled_claim_form(tmp_path)(page)
        submit_claim(page)
        expect(page.locator(".error-summary")).to_be_visible()

    return reach


def blank_comment(url: str, form: str) -> State:
    """A comment of only spaces posted (it passes the browser's ``required``): the thread comes
    back by HTMX with the field's error."""

    def reach(page):
        page.goto(url)
        comment = page.locator(form)
        comment.locator("textarea").fill("   ")
        with page.expect_response(lambda r: r.request.method == "POST" and "/comment" in r.url):
            comment.locator("button[type=submit]").click()
        settle(page)
        expect(page.locator(f"{form} .field-error, {form} .errorlist").first).to_be_visible()

    return reach


def partner_states(tmp_path) -> dict[str, State]:
    claims = partner_claims()
    states = {
        "my claims": goto("/claims/"),
        "new claim (empty)": goto("/claims/new/"),
        "new claim (filled, live checks)": filled_claim_form(tmp_path),
        "claim form (refused submission)": refused_submission(tmp_path),
    }
    states |= {f"claim page ({label})": goto(f"/claims/{claim.pk}/") for label, claim in claims.items()}
    states["claim page (blank comment sent)"] = blank_comment(
        f"/claims/{claims['under review'].pk}/", "#thread form.comment-form"
    )
    states["partner notifications"] = goto("/notifications/")
    states["403 (a partner on the review queue)"] = expect_error_page("/review/", 403)
    states["404 (a partner's unknown claim)"] = expect_error_page("/claims/999999999/", 404)
    return states


def filtered_queue(page):
    page.goto("/review/")
    with page.expect_response(lambda r: "activity=usage" in r.url):
        page.locator("#id_activity").select_option("usage")
    settle(page)


def poe_preview(url: str) -> State:
    def reach(page):
        page.goto(url)
        page.locator("#poe .poe-links a[hx-get]").first.click()
        expect(page.locator("#poe-preview .preview-head")).to_be_visible()
        settle(page)

    return reach


def request_info_without_reason(url: str) -> State:
    """The review screen's request for information sent with no reason ticked: the actions
    card comes back by HTMX with the error."""

    def reach(page):
        page.goto(url)
        form = page.locator("#claim-actions form[action$='/request-info/']")
        form.evaluate("(f) => { f.closest('details').open = true; }")
        with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/request-info/")):
            form.locator("button[type=submit]").click()
        settle(page)
        expect(page.locator("#claim-actions .field-error, #claim-actions .errorlist").first).to_be_visible()

    return reach


def reviewer_claims() -> dict[str, Claim]:
    found = {
        "under review": Claim.objects.filter(status=Status.UNDER_REVIEW, is_competing=False).first(),
        "submitted": Claim.objects.filter(status=Status.SUBMITTED, is_competing=False).first(),
        "action required": Claim.objects.filter(status=Status.ACTION_REQUIRED).first(),
        "approved, competing": Claim.objects.filter(status=Status.APPROVED, is_competing=True).first(),
        "rejected": Claim.objects.filter(status=Status.REJECTED).first(),
    }
    missing = [label for label, claim in found.items() if claim is None]
    assert not missing, f"no demo claim for {missing}"
    return found


def reviewer_states() -> dict[str, State]:
    claims = reviewer_claims()
    under_review = f"/review/claims/{claims['under review'].pk}/"
    states = {
        "review queue": goto("/review/"),
        "review queue (filtered by HTMX)": filtered_queue,
        "review queue (a filter not understood)": goto("/review/?submitted_from=2026-13-45"),
    }
    states |= {f"review screen ({label})": goto(f"/review/claims/{claim.pk}/") for label, claim in claims.items()}
    states["review screen (PoE preview)"] = poe_preview(under_review)
    states["review screen (request info without a reason)"] = request_info_without_reason(under_review)
    states["review screen (blank comment sent)"] = blank_comment(under_review, "#claim-thread form.comment-form")
    states["arbitration cases"] = goto("/arbitration/")
    states["arbitration cases (decided)"] = goto("/arbitration/?status=decided")
    states["arbitration case (open)"] = goto(
        f"/arbitration/{ArbitrationCase.objects.filter(status=CaseStatus.OPEN).first().pk}/"
    )
    states["arbitration case (decided)"] = goto(
        f"/arbitration/{ArbitrationCase.objects.filter(status=CaseStatus.DECIDED).first().pk}/"
    )
    states["dashboard"] = goto("/review/dashboard/")
    states["reviewer notifications"] = goto("/notifications/")
    states["404 (a reviewer's unknown claim)"] = expect_error_page("/review/claims/999999999/", 404)
    return states


def wrong_password(page):
    sign_in(page, "contoso.admin", password="wrong")
    expect(page.get_by_role("alert")).to_be_visible()


def anonymous_states() -> dict[str, State]:
    return {"login": goto("/accounts/login/"), "login (wrong password)": wrong_password}


def consent_link(language: str) -> str:
    """A fresh consent link (in ``language``) to a Contoso claim awaiting its review, as its
    e-mail carries it: a reviewer's resend, so the demo's older links do not matter."""
    claim = Claim.objects.filter(partner__name="Contoso", status=Status.UNDER_REVIEW, is_competing=False).first()
    row = consent_resend(claim=claim, user=User.objects.get(username="reviewer1"), expected_version=claim.version)
    ConsentRequest.objects.filter(pk=row.pk).update(language=language)
    return f"/consent/{link_token(row.token_salt)}/"


def confirmed(url: str) -> State:
    """The link after the customer confirmed: only the decline is left."""

    def reach(page):
        page.goto(url)
        if page.locator("form.consent-confirm").count():
            with page.expect_navigation():
                page.locator("form.consent-confirm button[type=submit]").click()
        page.goto(url)

    return reach


def consent_states(language: str) -> dict[str, State]:
    """The customer's pages: the link, the link after a confirmation, the thank-you page, and
    the refusal of a link that does not work (no login, no portal navigation)."""
    url = consent_link(language)
    return {
        "consent page": goto(url),
        "consent page (confirmed)": confirmed(url),
        "consent done": goto("/consent/done/"),
        "consent link not valid": expect_error_page("/consent/" + "A" * 43 + "/", 404),
    }

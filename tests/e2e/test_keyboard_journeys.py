"""Keyboard-only journeys (#22): no mouse event at all — Tab, Shift+Tab, Enter, Space, typing and
the queue's own keys; a file is given to the file input that has the focus. After every swap
(and every page a form's redirect draws) the test checks where the focus is, and that the one
live region (``#live-message``) says what happened.

(a) A reviewer: the queue, a claim, a request for information refused first (no reason), then
    sent; back to the queue, another claim approved; back to the queue.
(b) A partner: a comment refused, then posted; the answer to Microsoft's request refused (no
    text), then sent with a file.
(c) The queue's bulk action and pager, and its shortcuts: ignored on a control, turned off and
    on again with the switch.
(d) Notifications: one marked as read.
"""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from accounts.models import User
from claims.models import Claim, Comment
from claims.states import Status
from notifications.models import Notification
from notifications.services import notify_users
from review.tests.helpers import queue_claim
from tests.e2e.conftest import PASSWORD, TIMEOUT_MS, pdf_file, settle

pytestmark = pytest.mark.browser

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body";
  const text = (el.innerText || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 80);
  return `${el.tagName.toLowerCase()}#${el.id}.${el.className} [name=${el.getAttribute("name")}] "${text}"`;
}"""
MATCHES = """([selector, text]) => {
  const el = document.activeElement;
  return !!el && el !== document.body && el.matches(selector) &&
    (!text || (el.innerText || el.value || "").trim().startsWith(text));
}"""
RING = """() => {
  const style = getComputedStyle(document.activeElement);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 3 ? style.outlineColor : null;
}"""
FOCUS_COLOUR = "rgb(11, 46, 89)"  # --focus in portal.css
MATCH_COUNT = re.compile(r"^\d[\d,]* claims? match(es)?$")


def focus_is(page, selector, text=None) -> bool:
    return page.evaluate(MATCHES, [selector, text])


def expect_focus(page, selector, text=None, why=""):
    """Wait (portal.js moves focus once HTMX has settled) until ``selector`` has the focus."""
    try:
        page.wait_for_function(MATCHES, arg=[selector, text], timeout=TIMEOUT_MS)
    except PlaywrightTimeout:
        raise AssertionError(f"focus should be on {selector} {text or ''} {why}; it is on {page.evaluate(FOCUS)}")


def tab_to(page, selector, text=None, *, back=False, limit=160):
    """Press Tab (Shift+Tab) until ``selector`` (whose text starts with ``text``) has the focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if focus_is(page, selector, text):
            return
        seen.append(page.evaluate(FOCUS))
    raise AssertionError(f"Tab never reached {selector} {text or ''}; it went through: {seen}")


def live(page):
    return page.locator("#live-message")


def sign_in(actors, username):
    """Sign in with the keyboard: the username field has the focus (autofocus), Tab, Enter."""
    page = actors.new_page(username)
    page.goto("/accounts/login/")
    page.wait_for_load_state("load")
    if not focus_is(page, "input[name=username]"):
        tab_to(page, "input[name=username]")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect_focus(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    return page


def search_queue(page, text):
    """ "/" jumps to the customer search; the results follow the typing and the focus stays."""
    page.keyboard.press("/")
    expect_focus(page, "#queue-filters [name=q]")
    with page.expect_response(lambda r: "/review/?" in r.url and "q=" in r.url):
        page.keyboard.type(text)
    settle(page)
    expect_focus(page, "#queue-filters [name=q]", why="(a filter that changes keeps the focus)")
    expect(live(page)).to_have_text(MATCH_COUNT)


def open_from_queue(page, claim):
    """Leave the search (Escape), j down to ``claim``'s row, Enter opens it."""
    page.keyboard.press("Escape")
    links = page.locator("#queue-table tbody tr[data-href] a.row-link")
    refs = links.all_inner_texts()
    assert claim.reference in refs, refs
    # j moves one row down from where the queue's row focus is (the first press lands on the
    # first row); press until the claim's row has the focus, at most once per row.
    for _ in range(len(refs) + 1):
        page.keyboard.press("j")
        if page.evaluate("() => (document.activeElement.textContent || '').trim()") == claim.reference:
            break
    expect_focus(page, "#queue-table a.row-link", claim.reference)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#claim-title")).to_contain_text(claim.reference)


def to_the_field_in_error(page, scope, field):
    """A refused form: its error summary ([role=alert], a form of several fields) has the focus,
    and its first link leads to the field; a form of one field focuses the field at once."""
    if page.locator(f"{scope} [role=alert]").count():
        expect_focus(page, f"{scope} [role=alert]", why="(the error summary)")
        page.keyboard.press("Tab")
        expect_focus(page, f"{scope} [role=alert] a")
        page.keyboard.press("Enter")
    expect_focus(page, field, why="(the field in error)")


def back_to_queue(page):
    """From the claim's heading, Shift+Tab reaches the breadcrumb; Enter follows it."""
    page.keyboard.press("Shift+Tab")
    expect_focus(page, ".breadcrumb a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")


def expect_heading_focused_after_action(page, status, message):
    settle(page)
    expect_focus(page, "#claim-title", why="(after a successful action)")
    assert page.evaluate(RING) == FOCUS_COLOUR, page.evaluate(RING)
    expect(page.locator("#claim-status .pill").first).to_have_text(status)
    expect(live(page)).to_have_text(message)


def test_reviewer_requests_information_then_approves_by_keyboard(actors):
    asked = Claim.objects.get(
        partner__name="Contoso", tenant__name="Relecloud", activity="usage", status=Status.UNDER_REVIEW
    )
    approved = Claim.objects.get(
        partner__name="Fabrikam", tenant__name="Blue Yonder Airlines", activity="usage", status=Status.UNDER_REVIEW
    )
    page = sign_in(actors, "reviewer1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    assert page.locator("#live-message").count() == 1

    search_queue(page, "Relecloud")
    open_from_queue(page, asked)

    # Request information without a reason or a message: the first field in error gets the focus.
    tab_to(page, "#claim-actions summary", "Request information")
    page.keyboard.press("Enter")  # opens the form
    tab_to(page, "#claim-actions button[type=submit]", "Send request to the partner")
    with page.expect_response(lambda r: r.url.endswith(f"/review/claims/{asked.pk}/request-info/")):
        page.keyboard.press("Enter")
    settle(page)
    to_the_field_in_error(page, "#claim-actions", "#claim-actions input[name=reasons][aria-invalid=true]")
    first_reason = "() => document.activeElement === document.querySelector('#claim-actions input[name=reasons]')"
    assert page.evaluate(first_reason)
    expect(page.locator("#claim-actions .field-error").first).to_be_visible()

    # Tick the reason the focus is on, write the message, send.
    page.keyboard.press("Space")
    expect(page.locator("#claim-actions input[name=reasons]").first).to_be_checked()
    tab_to(page, "#claim-actions details[open] textarea[name=message]")
    page.keyboard.type("Please upload the signed acceptance with its date.")
    tab_to(page, "#claim-actions button[type=submit]", "Send request to the partner")
    page.keyboard.press("Enter")
    expect_heading_focused_after_action(
        page, "Partner action required", "Information requested. The partner has 5 business days."
    )
    assert Claim.objects.get(pk=asked.pk).status == Status.ACTION_REQUIRED

    back_to_queue(page)
    search_queue(page, "Blue Yonder")
    open_from_queue(page, approved)

    # Approve (the confirmation is the browser's dialog: accepted without a pointer).
    tab_to(page, "#claim-actions .action-approve textarea")
    page.keyboard.type("PoE covers the deployment.")
    page.keyboard.press("Tab")
    expect_focus(page, "#claim-actions .action-approve button[type=submit]", "Approve claim")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.keyboard.press("Enter")
    expect_heading_focused_after_action(page, "Approved", "Claim approved.")
    assert dialogs and dialogs[0].startswith("Approve this claim?")
    assert Claim.objects.get(pk=approved.pk).status == Status.APPROVED

    back_to_queue(page)


def test_partner_answers_an_information_request_with_a_file_by_keyboard(actors, tmp_path):
    claim = Claim.objects.filter(partner__name="Contoso", status=Status.ACTION_REQUIRED).order_by("pk").first()
    assert claim is not None, "the demo has a Contoso claim waiting on the partner"
    page = sign_in(actors, "contoso.admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("My claims")

    # My claims: a sort link keeps the focus across its swap; the count is announced.
    tab_to(page, "#claims-results a.sort-link", "Claim")
    with page.expect_response(lambda r: "sort=" in r.url):
        page.keyboard.press("Enter")
    settle(page)
    expect_focus(page, "#sort-name", why="(the sort link, drawn again)")
    expect(live(page)).to_have_text(re.compile(r"^\d+ claims? (match(es)?|on page 1)$"))

    # "Needs your action" links the claim (Shift+Tab: the list is above the table).
    tab_to(page, f'.needs-action a[href="/claims/{claim.pk}/"]', back=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".page-head h1 .pill")).to_have_text("Partner action required")

    # A comment without text: its field gets the focus; with text: the new comment does.
    tab_to(page, "#thread textarea")
    page.keyboard.press("Tab")
    expect_focus(page, "#thread button[type=submit]", "Post comment")
    if page.locator("#thread form[novalidate]").count():
        with page.expect_response(lambda r: r.url.endswith(f"/claims/{claim.pk}/comments/")):
            page.keyboard.press("Enter")
        settle(page)
        to_the_field_in_error(page, "#thread", "#thread textarea[aria-invalid=true]")
    else:  # the browser's own check of a required field: it focuses the field, nothing is sent
        page.keyboard.press("Enter")
        expect_focus(page, "#thread textarea:invalid", why="(the browser's check)")
    page.keyboard.type("We are asking the customer for a dated export.")
    page.keyboard.press("Tab")
    with page.expect_response(lambda r: r.url.endswith(f"/claims/{claim.pk}/comments/")):
        page.keyboard.press("Enter")
    settle(page)
    comment = Comment.objects.get(claim=claim, body="We are asking the customer for a dated export.")
    expect_focus(page, f"#thread li#comment-{comment.pk}", why="(the new comment)")
    assert page.evaluate(RING) == FOCUS_COLOUR
    expect(live(page)).to_have_text("Comment posted.")

    # The answer without text: the page comes back with the focus on the answer's field.
    tab_to(page, "#resubmit textarea")
    tab_to(page, "#resubmit button[type=submit]", "Send answer and resubmit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    to_the_field_in_error(page, "#resubmit", "#resubmit textarea[aria-invalid=true]")
    page.keyboard.type("A dated PDF export of the Teams usage is attached.")
    page.keyboard.press("Tab")
    expect_focus(page, "#resubmit input[type=file]")
    page.locator(":focus").set_input_files(str(pdf_file(tmp_path, "teams-usage-dated.pdf")))
    page.keyboard.press("Tab")
    expect_focus(page, "#resubmit button[type=submit]", "Send answer and resubmit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Sent: the page says so, and its message has the focus.
    expect_focus(page, ".messages", why="(the flash after the redirect)")
    expect(page.locator(".messages")).to_contain_text("Your answer was sent and the claim is back under review.")
    expect(page.locator(".page-head h1 .pill")).to_have_text("Under review")
    expect(page.locator("#poe")).to_contain_text("teams-usage-dated.pdf")
    assert Claim.objects.get(pk=claim.pk).status == Status.UNDER_REVIEW


def current_row(page) -> int:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#queue-table tbody tr[data-href]'))
              .findIndex(r => r.getAttribute('aria-selected') === 'true')"""
    )


def test_queue_bulk_action_pager_and_shortcut_switch_by_keyboard(actors):
    for _ in range(40):  # more than a page of 25
        queue_claim()
    page = sign_in(actors, "reviewer1")
    expect(page.locator("#queue-keys")).to_have_attribute("data-queue-shortcuts", "on")

    # j makes the first row current, x ticks it; on the checkbox itself j does nothing.
    page.keyboard.press("j")
    expect_focus(page, "#queue-table tbody tr:first-child a.row-link")
    page.keyboard.press("x")
    expect(page.locator("#queue-table tbody tr[data-href] input[type=checkbox]").first).to_be_checked()
    page.keyboard.press("Shift+Tab")
    expect_focus(page, "#queue-table tbody tr:first-child input[type=checkbox]")
    page.keyboard.press("j")
    assert current_row(page) == 0  # a key on a control is the control's

    # Apply to the ticked row: the button is swapped away, so focus goes to the results table.
    tab_to(page, "#bulk-form button[type=submit]", "Apply to selected", back=True)
    with page.expect_response(lambda r: r.url.endswith("/review/bulk/")):
        page.keyboard.press("Enter")
    settle(page)
    expect_focus(page, "#queue-results .table-wrap", why="(after the bulk action)")
    expect(live(page)).to_have_text("1 claim assigned to you.")

    # The pager's next page: the link is swapped away too; the same place, the count announced.
    tab_to(page, "#queue-results .pager a[rel=next]")
    with page.expect_response(lambda r: "cursor=" in r.url):
        page.keyboard.press("Enter")
    settle(page)
    expect_focus(page, "#queue-results .table-wrap", why="(after the pager)")
    expect(live(page)).to_have_text(MATCH_COUNT)

    # The switch: on its button j does nothing; Enter turns the shortcuts off (the page's flash
    # takes the focus), and then j and / do nothing anywhere.
    tab_to(page, "[data-shortcuts-switch]", "Turn off keyboard shortcuts", back=True)
    page.keyboard.press("j")
    assert current_row(page) == -1
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect_focus(page, ".messages", why="(the flash after the redirect)")
    expect(page.locator(".messages")).to_have_text("Keyboard shortcuts turned off.")
    expect(page.locator("#queue-keys")).to_have_attribute("data-queue-shortcuts", "off")
    expect(page.locator("#queue-keys")).to_contain_text("Keyboard shortcuts are off.")
    page.keyboard.press("j")
    page.keyboard.press("/")
    assert current_row(page) == -1
    expect_focus(page, ".messages", why="(the shortcuts are off)")

    tab_to(page, "[data-shortcuts-switch]", "Turn on keyboard shortcuts")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#queue-keys")).to_have_attribute("data-queue-shortcuts", "on")
    page.keyboard.press("j")
    expect_focus(page, "#queue-table tbody tr:first-child a.row-link")


def test_notification_marked_as_read_keeps_the_focus_by_keyboard(actors):
    user = User.objects.get(username="contoso.admin")
    claim = Claim.objects.filter(partner__name="Contoso").exclude(status=Status.EDITING).order_by("pk").first()
    notify_users(user_ids=[user.pk], kind="comment", claim=claim)
    page = sign_in(actors, user.username)
    tab_to(page, ".notif-link")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    item = page.locator(".notif-list li.notif.is-unread").first
    pk = item.get_attribute("id").removeprefix("notif-")
    tab_to(page, f"#notif-{pk} button[type=submit]", "Mark as read")
    with page.expect_response(lambda r: r.url.endswith(f"/notifications/{pk}/read/")):
        page.keyboard.press("Enter")
    settle(page)
    expect_focus(page, f"#notif-{pk}", why="(the notification just marked)")
    expect(live(page)).to_have_text("Notification marked as read.")
    assert Notification.objects.get(pk=pk).read_at is not None

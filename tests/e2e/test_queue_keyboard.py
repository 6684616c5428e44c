"""Journey: the review queue without a mouse. j / k move the current row, Enter opens it, /
jumps to the search; Tab reaches the filters and the rows, each with a visible focus outline."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle

pytestmark = pytest.mark.browser

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    id: el.id, tag: el.tagName.toLowerCase(), cls: el.className, name: el.getAttribute("name"),
    inRow: !!el.closest("#queue-table tbody tr"), inFilters: !!el.closest("#queue-filters"),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    // A date field's calendar button is focused inside the field (the field itself is then
    // not :focus); its outline is the ::-webkit-calendar-picker-indicator rule.
    picker: el.type === "date" && !el.matches(":focus"),
  };
}"""


def current_index(page):
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#queue-table tbody tr[data-href]'))
              .findIndex(r => r.getAttribute('aria-selected') === 'true')"""
    )


def test_queue_keyboard_navigation(actors):
    page = actors("reviewer1")
    rows = page.locator("#queue-table tbody tr[data-href]")
    expect(rows.nth(2)).to_be_attached()
    page.locator("body").click(position={"x": 5, "y": 300})  # focus on the page, not on a field

    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_attribute("aria-selected", "true")
    expect(rows.nth(0)).to_have_class("is-current")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(rows.nth(2)).to_have_attribute("aria-selected", "true")
    expect(rows.nth(0)).to_have_attribute("aria-selected", "false")
    page.keyboard.press("k")
    expect(rows.nth(1)).to_have_attribute("aria-selected", "true")
    assert current_index(page) == 1
    assert page.locator("#queue-table tbody tr.is-current").count() == 1
    # The current row's link has the focus, with the focus outline.
    focus = page.evaluate(FOCUS_STYLE)
    assert focus["inRow"] and focus["outline"], focus

    # "/" jumps to the search; typing there is typing, not navigation.
    page.keyboard.press("/")
    expect(page.locator("#id_q")).to_be_focused()
    with page.expect_response(lambda r: "/review/?" in r.url and "q=jk" in r.url):
        page.keyboard.type("jk")
    expect(page.locator("#id_q")).to_have_value("jk")
    expect(page.locator("#id_q")).to_be_focused()
    with page.expect_response(lambda r: "/review/" in r.url and "q=jk" not in r.url):
        page.keyboard.press("Backspace")
        page.keyboard.press("Backspace")
    settle(page)
    expect(rows.nth(2)).to_be_attached()
    page.keyboard.press("Escape")  # leave the search field
    expect(page.locator("#id_q")).not_to_be_focused()

    # Enter opens the current claim.
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_attribute("aria-selected", "true")
    href = rows.nth(1).get_attribute("data-href")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(f"{actors.base_url}{href}")
    expect(page.locator("#claim-title")).to_be_visible()

    # Back in the queue, Tab walks the header, the filters, then the rows, in that order.
    page.go_back()
    expect(rows.first).to_be_visible()
    page.locator("body").click(position={"x": 5, "y": 300})
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    seen, first_filter, first_row = [], None, None
    for step in range(80):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        seen.append(focus)
        assert focus["outline"] or focus["picker"], f"no visible focus outline on Tab stop {step}: {focus}"
        if focus["inFilters"] and first_filter is None:
            first_filter = step
        if focus["inRow"]:
            first_row = step
            break
    assert first_filter is not None, [f["id"] or f["tag"] for f in seen]
    assert first_row is not None and first_row > first_filter, [f["id"] or f["tag"] for f in seen]
    filters_reached = {f["id"] for f in seen if f["inFilters"]}
    for field in ("id_q", "id_activity", "id_sla"):
        assert field in filters_reached, filters_reached

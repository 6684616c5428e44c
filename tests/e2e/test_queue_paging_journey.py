"""Journey (#14, item 14): a reviewer pages through the queue — next, next, then previous,
previous — and is back on the very rows of the first page, each page saying how many claims it
shows next to how many match in all (exact up to a cap, else the database's estimate)."""

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from review import selectors
from review.selectors import queue_base
from review.tests.helpers import queue_claim
from tests.e2e.conftest import settle

pytestmark = pytest.mark.browser

PER_PAGE = 25


def shown(page) -> list[str]:
    return page.locator("#queue-table tbody tr[data-href] a.row-link").all_inner_texts()


def count_line(page):
    return page.locator("#queue-results .queue-count")


def follow(page, rel: str) -> None:
    """Click the pager's next/previous link (an HTMX swap that pushes its URL)."""
    link = page.locator(f"#queue-results .pager a[rel={rel}]")
    href = link.get_attribute("href")
    assert "cursor=" in href, href
    with page.expect_response(lambda r: "cursor=" in r.url):
        link.click()
    settle(page)
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))


def test_queue_pages_forward_and_back(actors, monkeypatch):
    for _ in range(40):  # the demo's open claims and these: three pages of 25
        queue_claim()
    total = queue_base().count()
    assert 2 * PER_PAGE < total < 3 * PER_PAGE, total
    last = total - 2 * PER_PAGE

    reviewer = actors("reviewer1")
    expect(reviewer.locator("#queue-table tbody tr[data-href]")).to_have_count(PER_PAGE)
    first = shown(reviewer)
    expect(count_line(reviewer)).to_have_text(f"{PER_PAGE} claims on this page · {total} in all")
    expect(reviewer.locator(".pager a[rel=prev]")).to_have_count(0)
    expect(reviewer.get_by_role("link", name="First page")).to_have_count(0)

    follow(reviewer, "next")
    second = shown(reviewer)
    assert len(second) == PER_PAGE and not set(second) & set(first), (first, second)
    expect(count_line(reviewer)).to_have_text(f"{PER_PAGE} claims on this page · {total} in all")
    expect(reviewer.locator(".pager a[rel=prev]")).to_have_text("← Previous page")
    expect(reviewer.get_by_role("link", name="First page")).to_be_visible()

    follow(reviewer, "next")
    third = shown(reviewer)
    assert len(third) == last, third
    expect(count_line(reviewer)).to_have_text(f"{last} claims on this page · {total} in all")
    expect(reviewer.locator(".pager a[rel=next]")).to_have_count(0)  # the end
    # Every open claim once, in the queue's order (deadline, then id).
    in_order = [c.reference for c in queue_base().order_by("due_at", "id")]
    assert first + second + third == in_order

    follow(reviewer, "prev")
    assert shown(reviewer) == second
    expect(reviewer.locator(".pager a[rel=next]")).to_be_visible()
    follow(reviewer, "prev")
    assert shown(reviewer) == first  # the first page's rows, in the same order
    expect(reviewer.locator(".pager a[rel=prev]")).to_have_count(0)
    expect(count_line(reviewer)).to_have_text(f"{PER_PAGE} claims on this page · {total} in all")

    # Past the exact count's cap the total is the planner's estimate (PostgreSQL) or says "more
    # than" the cap (SQLite). A query of its own, so the page is drawn, not taken from the cache.
    monkeypatch.setattr(selectors, "COUNT_CAP", 20)
    reviewer.goto("/review/?order=-due")
    expect(reviewer.locator("#queue-table tbody tr[data-href]")).to_have_count(PER_PAGE)
    if connection.vendor == "postgresql":
        expect(count_line(reviewer)).to_have_text(re.compile(rf"^{PER_PAGE} claims on this page · about \d+ in all$"))
    else:
        expect(count_line(reviewer)).to_have_text(f"{PER_PAGE} claims on this page · more than 20 in all")

"""Journey (#14, item 8): following a notification's link marks it read. A partner opens one
from the notification list and lands on its claim with one fewer in the header's unread badge;
the list then shows it read and the others still new. The same link opened from an e-mail does
the same, and a reviewer's badge follows on the review screen and the (cached) queue page."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from claims.models import Claim
from notifications.models import Notification

pytestmark = pytest.mark.browser

UNREAD = re.compile(r"\bis-unread\b")


def unread_of(username: str) -> int:
    return Notification.objects.filter(recipient__username=username, read_at__isnull=True).count()


def expect_badge(page, n: int) -> None:
    """The header's unread badge says ``n`` (and is gone at 0)."""
    badge = page.locator(".site-header .notif-link .badge")
    if n:
        expect(badge).to_have_text(str(n))
        expect(badge).to_have_attribute("aria-label", f"{n} unread")
    else:
        expect(badge).to_have_count(0)


def unread_items(page):
    return page.locator("#notif-list li.notif.is-unread")


def open_from_list(page, item):
    """Follow an unread item's link; returns the notification."""
    pk = int(item.get_attribute("id").removeprefix("notif-"))
    link = item.locator(".body a")
    expect(link).to_have_attribute("href", f"/notifications/{pk}/open/")
    with page.expect_navigation():
        link.click()
    return Notification.objects.get(pk=pk)


def test_partner_opens_a_notification_and_it_is_read(actors):
    user = User.objects.get(username="contoso.admin")
    unread = unread_of(user.username)
    assert unread >= 3, "the demo gives Contoso's admin several unread notifications"
    page = actors(user.username)
    expect_badge(page, unread)

    page.goto("/notifications/")
    expect(unread_items(page)).to_have_count(unread)
    n = open_from_list(page, unread_items(page).nth(1))
    claim = Claim.objects.get(pk=n.claim_id)
    expect(page).to_have_url(f"{actors.base_url}/claims/{claim.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(claim.reference)
    expect_badge(page, unread - 1)
    n.refresh_from_db()
    assert n.read_at is not None

    # Back to the list (the browser's back button): that one read (no "New", no "Mark as read"),
    # the others still new.
    page.go_back()
    expect(page).to_have_url(f"{actors.base_url}/notifications/")
    item = page.locator(f"#notif-{n.pk}")
    expect(item).not_to_have_class(UNREAD)
    expect(item.locator(".tag-new")).to_have_count(0)
    expect(item.get_by_role("button", name="Mark as read")).to_have_count(0)
    expect(item.locator(".body a")).to_have_attribute("href", f"/notifications/{n.pk}/open/")  # still a way back
    expect(unread_items(page)).to_have_count(unread - 1)
    expect_badge(page, unread - 1)

    # The link in the e-mail is the same address: opened directly, it marks that one read too.
    mailed = Notification.objects.filter(recipient=user, read_at__isnull=True, claim__isnull=False).first()
    page.goto(f"/notifications/{mailed.pk}/open/")
    expect(page).to_have_url(f"{actors.base_url}/claims/{mailed.claim_id}/")
    expect_badge(page, unread - 2)
    # Opening a read one again still leads to its claim and counts nothing twice.
    page.goto(f"/notifications/{n.pk}/open/")
    expect(page).to_have_url(f"{actors.base_url}/claims/{claim.pk}/")
    expect_badge(page, unread - 2)
    assert unread_of(user.username) == unread - 2

    # Someone else's notification is not found, and marks nothing.
    foreign = Notification.objects.filter(recipient__username="fabrikam.admin", read_at__isnull=True).first()
    page.allowed_console.append("404")
    response = page.goto(f"/notifications/{foreign.pk}/open/")
    assert response.status == 404
    foreign.refresh_from_db()
    assert foreign.read_at is None
    expect_badge(page, unread - 2)

    page.goto("/notifications/")  # two read now, the rest still new (the journey's screenshot)
    for read in (n, mailed):
        expect(page.locator(f"#notif-{read.pk}")).not_to_have_class(UNREAD)
    expect(unread_items(page)).to_have_count(unread - 2)


def test_reviewer_opens_a_notification_and_the_queue_badge_follows(actors):
    unread = unread_of("reviewer1")
    assert unread >= 1
    page = actors("reviewer1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect_badge(page, unread)  # the queue page, drawn once and kept in the page cache

    page.goto("/notifications/")
    n = open_from_list(page, unread_items(page).first)
    claim = Claim.objects.get(pk=n.claim_id)
    expect(page).to_have_url(f"{actors.base_url}/review/claims/{claim.pk}/")  # the reviewer's screen
    expect_badge(page, unread - 1)

    page.goto("/review/")
    expect(page.locator("#queue-table")).to_be_visible()
    expect_badge(page, unread - 1)  # not the cached page of a moment ago
    page.goto("/notifications/")
    expect(page.locator(f"#notif-{n.pk}")).not_to_have_class(UNREAD)
    expect(unread_items(page)).to_have_count(unread - 1)

"""Focus and live messages after the reviewer's HTMX swaps (portal.js reads the markup): the
queue's results say how many claims match (``data-announce``) and are no live region
themselves; a bulk action announces its outcome in ``HX-Trigger``; on the review screen a
successful action focuses the claim's heading and announces its flash, a new comment takes the
focus, and a refused form marks its first field ``aria-invalid``."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from claims import services
from claims.models import Claim, Comment
from claims.states import Status
from review.selectors import QueueTotal
from review.tests.helpers import htmx, queue_claim
from review.views import queue_announcement
from tests.helpers import login

QUEUE = reverse("review:queue")


@pytest.fixture
def reviewing(draft, contoso_admin, reviewer1):
    claim, _warnings = services.claim_submit(claim=draft, user=contoso_admin)
    claim = services.claim_start_review(claim=claim, user=reviewer1)
    claim.refresh_from_db()
    return claim


def announced(html: str) -> list[str]:
    return re.findall(r'data-announce="([^"]*)"', html)


@pytest.mark.parametrize(
    ("total", "english"),
    [
        (QueueTotal(1, "exact"), "1 claim matches"),
        (QueueTotal(0, "exact"), "0 claims match"),
        (QueueTotal(1234, "exact"), "1,234 claims match"),
        (QueueTotal(2_500_000, "about"), "About 2.5 million claims match"),
        (QueueTotal(10_000, "more"), "More than 10,000 claims match"),
    ],
)
def test_queue_announcement(total, english):
    with translation.override("en"):
        assert queue_announcement(total) == english


@pytest.mark.django_db
def test_queue_fragment_announces_the_count_and_is_no_live_region(client, reviewer1):
    for _ in range(3):
        queue_claim()
    login(client, reviewer1)
    html = client.get(QUEUE + "?status=submitted", **htmx()).content.decode()
    assert html.lstrip().startswith('<div id="queue-results" class="queue-results">')
    assert "aria-live" not in html and 'role="status"' not in html
    assert announced(html) == ["3 claims match"]
    # After the pager or a bulk action (their controls are swapped away) focus goes to the table.
    assert re.search(r'<div class="table-wrap"[^>]*\bdata-focus\b', html)
    page = client.get(QUEUE).content.decode()
    assert 'id="queue-results" class="queue-results">' in page and page.count('aria-live="polite"') == 1


@pytest.mark.django_db
def test_a_stale_page_link_is_announced_before_the_count(client, reviewer1):
    queue_claim()
    login(client, reviewer1)
    html = client.get(QUEUE + "?cursor=not-a-cursor", **htmx()).content.decode()
    assert announced(html) == ["That page link is no longer valid; showing the first page.", "1 claim matches"]


@pytest.mark.django_db
def test_bulk_action_announces_its_outcome(client, reviewer1):
    claim = queue_claim()
    login(client, reviewer1)
    response = client.post(
        reverse("review:bulk"), {"action": "assign_me", "claim": [f"{claim.pk}:{claim.version}"]}, **htmx()
    )
    trigger = json.loads(response["HX-Trigger"])
    assert trigger["announce"] == "1 claim assigned to you." == trigger["queueChanged"]["message"]
    html = response.content.decode()
    assert 'role="status"' not in html and "aria-live" not in html


def test_a_successful_action_focuses_the_heading_and_announces_the_flash(client, reviewing, reviewer1):
    login(client, reviewer1)
    response = client.post(
        reverse("review:approve", args=[reviewing.pk]), {"version": reviewing.version, "message": ""}, **htmx()
    )
    html = response.content.decode()
    assert re.search(r'<h1 id="claim-title" data-focus>', html)
    assert announced(html) == ["Claim approved."]
    flash = re.search(r'<div id="claim-flash"[^>]*>', html)[0]
    assert "aria-live" not in flash and "role=" not in flash  # swapped each time: not the live region


def test_a_refused_request_marks_its_first_field_and_takes_no_focus_marker(client, reviewing, reviewer1):
    login(client, reviewer1)
    response = client.post(
        reverse("review:request_info", args=[reviewing.pk]), {"version": reviewing.version}, **htmx()
    )
    html = response.content.decode()
    assert response.status_code == 200
    actions = html.split('<section id="claim-status"')[0]
    first_invalid = re.search(r"<(input|textarea)[^>]*aria-invalid=\"true\"[^>]*>", actions)[0]
    assert 'name="reasons"' in first_invalid  # the reasons come first, then the message
    assert "data-focus" not in html and announced(html) == []
    assert Claim.objects.get(pk=reviewing.pk).status == Status.UNDER_REVIEW


def test_a_new_comment_takes_the_focus(client, reviewing, reviewer1):
    login(client, reviewer1)
    response = client.post(
        reverse("review:comment", args=[reviewing.pk]), {"visibility": "internal", "body": "Dates checked."}, **htmx()
    )
    html = response.content.decode()
    comment = Comment.objects.get(claim=reviewing, body="Dates checked.")
    focused = re.findall(r"<li [^>]*\bdata-focus\b[^>]*>", html)
    assert len(focused) == 1 and f'id="comment-{comment.pk}"' in focused[0]
    assert announced(html) == ["Internal note added."]


def test_an_empty_comment_marks_the_field(client, reviewing, reviewer1):
    login(client, reviewer1)
    response = client.post(reverse("review:comment", args=[reviewing.pk]), {"body": ""}, **htmx())
    html = response.content.decode()
    assert re.search(r'<textarea[^>]*aria-invalid="true"', html)
    assert "data-focus" not in html and announced(html) == []

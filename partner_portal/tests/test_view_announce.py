"""Focus and live messages after the partner's HTMX swaps (portal.js reads the markup): My
claims' results say how many claims match (``data-announce``) and are no live region; a posted
comment takes the focus and is announced in ``HX-Trigger``; a refused one marks its field."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from claims.models import Comment
from claims.selectors import PAGE_SIZE, ClaimPage
from claims.services import claim_submit
from claims.tests.factories import ClaimFactory, ProductFactory, SubscriptionFactory
from partner_portal.views import claims_announcement
from tests.helpers import login

LIST = reverse("claims:list")


def announced(html: str) -> list[str]:
    return re.findall(r'data-announce="([^"]*)"', html)


@pytest.mark.parametrize(
    ("rows", "page", "has_next", "english"),
    [
        (1, 1, False, "1 claim matches"),
        (0, 1, False, "0 claims match"),
        (PAGE_SIZE, 1, True, f"{PAGE_SIZE} claims on page 1"),
        (1, 3, False, "1 claim on page 3"),
    ],
)
def test_claims_announcement(rows, page, has_next, english):
    result = ClaimPage(rows=[object()] * rows, page=page, has_next=has_next, has_previous=page > 1, sort="-updated")
    with translation.override("en"):
        assert claims_announcement(result) == english


def test_list_fragment_announces_the_count_and_is_no_live_region(client, contoso_admin, contoso_mpn):
    product = ProductFactory(code="d365-sales", name="Dynamics 365 Sales")
    subscription = SubscriptionFactory(products=[product])
    for _ in range(2):
        ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, sub=subscription, products=[product])
    login(client, contoso_admin)
    html = client.get(LIST + "?q=", headers={"HX-Request": "true"}).content.decode()
    assert announced(html) == ["2 claims match"]
    assert "aria-live" not in html
    assert re.search(r'<div class="table-wrap"[^>]*\bdata-focus\b', html)
    # A sort link keeps the focus across the swap: htmx finds its id again.
    assert 'id="sort-name"' in html and 'id="sort-updated"' in html
    page = client.get(LIST).content.decode()
    assert '<div id="claims-results">' in page and page.count('aria-live="polite"') == 1
    assert announced(page) == []  # a whole page announces nothing


@pytest.fixture
def submitted(draft, contoso_admin):
    claim_submit(claim=draft, user=contoso_admin)
    return draft


def test_a_posted_comment_takes_the_focus_and_is_announced(client, contoso_admin, submitted):
    login(client, contoso_admin)
    response = client.post(
        reverse("claims:comment", args=[submitted.pk]), {"body": "Signed PoE attached."}, headers={"HX-Request": "true"}
    )
    assert json.loads(response["HX-Trigger"]) == {"announce": "Comment posted."}
    html = response.content.decode()
    comment = Comment.objects.get(claim=submitted, body="Signed PoE attached.")
    focused = re.findall(r"<li [^>]*\bdata-focus\b[^>]*>", html)
    assert len(focused) == 1 and f'id="comment-{comment.pk}"' in focused[0]


def test_an_empty_comment_marks_its_field(client, contoso_admin, submitted):
    login(client, contoso_admin)
    response = client.post(reverse("claims:comment", args=[submitted.pk]), {"body": ""}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert re.search(r'<textarea[^>]*aria-invalid="true"', html)
    assert "data-focus" not in html and "HX-Trigger" not in response

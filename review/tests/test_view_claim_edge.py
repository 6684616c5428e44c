"""The review screen for claims whose directory links are missing (bulk-loaded or removed)."""

from claims.models import Claim
from claims.states import Status
from tests.helpers import login


def test_review_screen_with_subscription_ref_but_no_subscription(client, draft, reviewer1):
    Claim.objects.filter(pk=draft.pk).update(
        status=Status.UNDER_REVIEW, association_key="k:edge", subscription=None, subscription_ref="not-a-guid"
    )
    login(client, reviewer1)
    response = client.get(f"/review/claims/{draft.pk}/")
    assert response.status_code == 200
    assert b"not-a-guid" in response.content


def test_review_screen_offers_the_subscription_recheck(client, draft, reviewer1):
    Claim.objects.filter(pk=draft.pk).update(status=Status.APPROVED, association_key="k:recheck")
    login(client, reviewer1)
    response = client.get(f"/review/claims/{draft.pk}/")
    assert f'action="/notifications/recheck/{draft.pk}/"'.encode() in response.content
    result = client.post(f"/notifications/recheck/{draft.pk}/", HTTP_HX_REQUEST="true")
    assert result.status_code == 200 and "claimRechecked" in result["HX-Trigger"]


def test_long_thread_shows_the_latest_entries_and_loads_earlier_ones(client, draft, reviewer1):
    from claims.models import Comment

    Claim.objects.filter(pk=draft.pk).update(status=Status.UNDER_REVIEW, association_key="k:long")
    Comment.objects.bulk_create(
        Comment(claim=draft, author=reviewer1, body=f"note-{i:03d}", internal=True) for i in range(60)
    )
    login(client, reviewer1)
    page = client.get(f"/review/claims/{draft.pk}/").content.decode()
    assert "note-059" in page and "note-000" not in page
    assert "Show 10 earlier entries" in page
    everything = client.get(f"/review/claims/{draft.pk}/?all=1").content.decode()
    assert "note-000" in everything and "note-059" in everything

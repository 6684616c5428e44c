"""A claim its partner never submitted is the partner's own business, whatever its status: a
draft, and a draft the partner discarded (withdrawn before submission), are 404 for every
reviewer and lead route — the review screen, its fragments and actions, PoE downloads and
previews, the re-check — and appear in no queue or export."""

import pytest
from django.urls import reverse

from claims import services
from review.dashboard import dashboard
from tests.helpers import login


@pytest.fixture
def discarded(draft, contoso_admin):
    """A draft with PoE that its partner discarded before ever submitting it."""
    return services.claim_withdraw(claim=draft, user=contoso_admin, reason="Filed by mistake.")


def reviewer_urls(claim) -> list[tuple[str, str]]:
    poe = claim.poe_files.get()
    return [
        ("get", reverse("review:claim", args=[claim.pk])),
        ("get", reverse("review:poe_preview", args=[claim.pk, poe.pk])),
        ("get", reverse("claims:poe_download", args=[claim.pk, poe.pk])),
        ("get", reverse("claims:poe_preview", args=[claim.pk, poe.pk])),
        ("post", reverse("review:comment", args=[claim.pk])),
        ("post", reverse("review:assign", args=[claim.pk])),
        ("post", reverse("review:start", args=[claim.pk])),
        ("post", reverse("notifications:recheck_claim", args=[claim.pk])),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["reviewer1", "lead"])
def test_a_discarded_draft_is_404_for_reviewers(client, discarded, who, request):
    assert discarded.submitted_at is None
    login(client, request.getfixturevalue(who))
    for method, url in reviewer_urls(discarded):
        response = getattr(client, method)(url, {"body": "x"} if method == "post" else None)
        assert response.status_code == 404, (method, url, response.status_code)


@pytest.mark.django_db
def test_a_discarded_draft_is_in_no_queue_or_export(client, discarded, reviewer1):
    login(client, reviewer1)
    link = reverse("review:claim", args=[discarded.pk])
    for params in ({}, {"status": "withdrawn"}, {"q": discarded.reference}):
        assert link not in client.get(reverse("review:queue"), params).content.decode()
        export = b"".join(client.get(reverse("review:export"), params).streaming_content).decode()
        assert discarded.reference not in export


@pytest.mark.django_db
def test_its_partner_still_reads_it(client, discarded, contoso_admin):
    login(client, contoso_admin)
    assert client.get(reverse("claims:detail", args=[discarded.pk])).status_code == 200


@pytest.mark.django_db
def test_a_discarded_draft_is_in_no_count(client, draft, contoso_admin, reviewer1):
    """The dashboard's figures and the queue's page are the same before and after a partner
    discards a draft: it was never Microsoft's to count."""
    login(client, reviewer1)

    def figures():
        board = dashboard()
        keys = ("open_total", "overdue_total", "cases_open", "decisions_total", "by_status", "ages")
        page = client.get(reverse("review:dashboard")).content.decode()
        return tuple(board[k] for k in keys), draft.reference in page

    before = figures()
    services.claim_withdraw(claim=draft, user=contoso_admin, reason="Filed by mistake.")
    assert figures() == before
    assert before[1] is False

"""notifications:list — the user's own notifications as sentences linking to the claim."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from notifications.models import Notification
from notifications.services import notify_users
from notifications.texts import notification_sentence
from tests.helpers import login

pytestmark = pytest.mark.django_db
URL = reverse("notifications:list")


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_partner_sees_sentences_and_claim_links(client, draft, contoso_admin, fabrikam_admin):
    notify_users(user_ids=[contoso_admin.pk], kind="decision", claim=draft, data={"status": "approved"})
    notify_users(user_ids=[fabrikam_admin.pk], kind="comment", claim=draft)  # someone else's
    response = login(client, contoso_admin).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Claim “{draft.name}” ({draft.reference}) was approved." in body  # by name and reference
    mine = Notification.objects.get(recipient=contoso_admin)
    assert f'href="/notifications/{mine.pk}/open/"' in body
    assert "There is a new comment" not in body
    assert response.context["unread_notifications"] == 1
    opened = client.get(f"/notifications/{mine.pk}/open/")  # following the link marks it read
    assert opened.status_code == 302 and opened["Location"] == f"/claims/{draft.pk}/"
    assert client.get(URL).context["unread_notifications"] == 0


def test_reviewer_links_go_to_the_review_screen(client, draft, reviewer1):
    notify_users(user_ids=[reviewer1.pk], kind="assigned", claim=draft)
    body = login(client, reviewer1).get(URL).content.decode()
    assert f"Claim “{draft.name}” ({draft.reference}) was assigned to you." in body
    n = Notification.objects.get()
    assert f'href="/notifications/{n.pk}/open/"' in body
    assert client.get(f"/notifications/{n.pk}/open/")["Location"] == f"/review/claims/{draft.pk}/"


def test_association_ended_offers_the_reclaim_link(client, draft, contoso_admin):
    notify_users(
        user_ids=[contoso_admin.pk],
        kind="association_ended",
        claim=draft,
        data={"reason": "subscription_expired", "renewed_subscription": "8d7e0f52-0000-4000-8000-000000000001"},
    )
    body = login(client, contoso_admin).get(URL).content.decode()
    assert f"/claims/{draft.pk}/reclaim/?subscription=8d7e0f52-0000-4000-8000-000000000001" in body


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("comment", {}),
        ("info_requested", {"reasons": ["poe_missing", "dates"]}),
        ("decision", {"status": "rejected", "reason": "no_partner_response"}),
        ("decision", {"status": "under_review"}),
        ("reviewer_reminder", {"due_at": "2026-12-28T09:00:00+00:00", "due_kind": "decision"}),
        ("partner_reminder", {"due_at": "2026-12-29T09:00:00+00:00", "due_kind": "partner_response"}),
        ("escalation", {"due_at": "2026-12-28T09:00:00+00:00", "due_kind": "review_start"}),
        ("association_ended", {"reason": "partner_disassociated"}),
        ("subscription_claimable", {"subscription": "x"}),
        ("partner_responded", {}),
        ("withdrawn", {}),
        ("disputed", {}),
        ("assigned", {}),
        ("poe_added", {}),
        ("dispute_window_closed", {}),
        ("something_new", {}),
    ],
)
def test_every_kind_reads_as_a_sentence(client, draft, contoso_admin, kind, data):
    notify_users(user_ids=[contoso_admin.pk], kind=kind, claim=draft, data=data)
    sentence = notification_sentence(Notification.objects.get())
    assert draft.reference in sentence and "%(" not in sentence
    assert (sentence == f"There is news on claim “{draft.name}” ({draft.reference}).") == (kind == "something_new")
    body = login(client, contoso_admin).get(URL).content.decode()
    assert escape(sentence) in body


def test_an_escalation_digest_links_its_claims_and_the_overdue_queue(client, draft, lead):
    notify_users(user_ids=[lead.pk], kind="escalation", data={"count": 12, "claims": [draft.pk]})
    body = login(client, lead).get(URL).content.decode()
    link = f'<a href="/review/claims/{draft.pk}/">{draft.reference}</a>'
    assert f"12 claims missed their review deadline, among them {link}." in body
    n = Notification.objects.get()
    assert f'href="/notifications/{n.pk}/open/"' in body and "Open the overdue claims" in body
    assert client.get(f"/notifications/{n.pk}/open/")["Location"] == "/review/?sla=overdue"


def test_constant_number_of_queries(client, draft, contoso_admin):
    login(client, contoso_admin)
    notify_users(user_ids=[contoso_admin.pk], kind="comment", claim=draft)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for _ in range(30):
        notify_users(user_ids=[contoso_admin.pk], kind="decision", claim=draft, data={"status": "approved"})
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many.captured_queries) == len(one.captured_queries)


def test_pages_by_keyset(client, draft, contoso_admin):
    Notification.objects.bulk_create(
        [Notification(recipient=contoso_admin, claim=draft, kind="comment") for _ in range(55)]
    )
    login(client, contoso_admin)
    first = client.get(URL)
    assert len(first.context["items"]) == 50 and first.context["older"]
    second = client.get(URL, {"before": first.context["older"]})
    assert len(second.context["items"]) == 5 and second.context["older"] is None


def test_htmx_gets_the_list_fragment(client, draft, contoso_admin):
    notify_users(user_ids=[contoso_admin.pk], kind="comment", claim=draft)
    response = login(client, contoso_admin).get(URL, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content and b'id="notif-list"' in response.content
    assert "HX-Request" in response["Vary"]

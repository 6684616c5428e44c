"""Marking notifications read: POST only, own notifications only, single and all."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify_users
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(draft, contoso_admin):
    notify_users(user_ids=[contoso_admin.pk], kind="comment", claim=draft)
    notify_users(user_ids=[contoso_admin.pk], kind="decision", claim=draft, data={"status": "approved"})
    return list(Notification.objects.filter(recipient=contoso_admin).order_by("id"))


def test_mark_one_read(client, mine, contoso_admin):
    response = login(client, contoso_admin).post(reverse("notifications:read", args=[mine[0].pk]))
    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_mark_one_read_with_htmx_swaps_the_item_and_the_badge(client, mine, contoso_admin):
    response = login(client, contoso_admin).post(
        reverse("notifications:read", args=[mine[0].pk]), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="notif-{mine[0].pk}"' in body and "Mark as read" not in body
    assert 'hx-swap-oob="outerHTML:.notif-link"' in body and '<span class="badge"' in body and ">1</span>" in body


def test_someone_elses_notification_is_404(client, mine, fabrikam_admin):
    response = login(client, fabrikam_admin).post(reverse("notifications:read", args=[mine[0].pk]))
    assert response.status_code == 404
    assert Notification.objects.filter(read_at__isnull=True).count() == 2


def test_get_is_405(client, mine, contoso_admin):
    login(client, contoso_admin)
    assert client.get(reverse("notifications:read", args=[mine[0].pk])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405


def test_csrf_is_enforced(csrf_client, mine, contoso_admin):
    response = login(csrf_client, contoso_admin).post(reverse("notifications:read_all"))
    assert response.status_code == 403


def test_mark_all_read(client, mine, contoso_admin, reviewer1, draft):
    notify_users(user_ids=[reviewer1.pk], kind="comment", claim=draft)
    response = login(client, contoso_admin).post(reverse("notifications:read_all"), follow=True)
    assert "All notifications are marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=contoso_admin, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=reviewer1, read_at__isnull=True).count() == 1  # others untouched


def test_mark_all_read_with_htmx(client, mine, contoso_admin):
    response = login(client, contoso_admin).post(reverse("notifications:read_all"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="notif-list"' in body and "notif-link" in body and '<span class="badge"' not in body


def test_anonymous_cannot_mark(client, mine):
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).count() == 2

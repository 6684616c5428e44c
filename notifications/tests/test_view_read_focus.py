"""Marking notifications read with HTMX: the live region says so (``HX-Trigger``) and, after
one is marked (its button is gone), focus stays on that notification (``data-focus``)."""

import json
import re

import pytest
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify_users
from tests.helpers import login

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def mine(draft, contoso_admin):
    notify_users(user_ids=[contoso_admin.pk], kind="comment", claim=draft)
    notify_users(user_ids=[contoso_admin.pk], kind="decision", claim=draft, data={"status": "approved"})
    return list(Notification.objects.filter(recipient=contoso_admin).order_by("id"))


def test_mark_one_read_keeps_focus_on_it_and_announces(client, mine, contoso_admin):
    response = login(client, contoso_admin).post(reverse("notifications:read", args=[mine[0].pk]), headers=HTMX)
    assert json.loads(response["HX-Trigger"]) == {"announce": "Notification marked as read."}
    item = re.search(rf'<li id="notif-{mine[0].pk}"[^>]*>', response.content.decode())[0]
    assert "data-focus" in item


def test_mark_all_read_announces_and_moves_no_focus(client, mine, contoso_admin):
    response = login(client, contoso_admin).post(reverse("notifications:read_all"), headers=HTMX)
    assert json.loads(response["HX-Trigger"]) == {"announce": "All notifications are marked as read."}
    assert "data-focus" not in response.content.decode()  # its button is outside the list: it keeps the focus


def test_the_list_page_marks_nothing(client, mine, contoso_admin):
    html = login(client, contoso_admin).get(reverse("notifications:list")).content.decode()
    assert "data-focus" not in html.replace("data-focus-on-load", "")

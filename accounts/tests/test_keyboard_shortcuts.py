"""The review queue's single-key shortcuts can be turned off and on, per user (WCAG 2.1.4): the
switch on the queue page posts an explicit value, the choice is saved on the user, and the queue
page (cached or not) tells queue.js through ``data-queue-shortcuts``."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.helpers import login

URL = reverse("keyboard_shortcuts")
QUEUE = reverse("review:queue")


def saved(user) -> bool:
    return User.objects.get(pk=user.pk).queue_shortcuts


def test_on_by_default(reviewer1):
    assert saved(reviewer1) is True


def test_turn_off_then_on_again(csrf_client, reviewer1):
    login(csrf_client, reviewer1)
    page = csrf_client.get(QUEUE)
    token = page.cookies["csrftoken"].value
    response = csrf_client.post(
        URL, {"enabled": "0", "next": "/review/?sla=overdue", "csrfmiddlewaretoken": token}, follow=True
    )
    assert response.redirect_chain == [("/review/?sla=overdue", 302)]
    assert saved(reviewer1) is False
    assert [str(m) for m in response.context["messages"]] == ["Keyboard shortcuts turned off."]
    html = response.content.decode()
    assert 'data-queue-shortcuts="off"' in html
    assert "Keyboard shortcuts are off." in html and "Turn on keyboard shortcuts" in html
    assert '<input type="hidden" name="enabled" value="1">' in html

    response = csrf_client.post(URL, {"enabled": "1", "next": QUEUE, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert saved(reviewer1) is True


def test_the_same_value_twice_keeps_it(client, reviewer1):
    login(client, reviewer1)
    client.post(URL, {"enabled": "0", "next": QUEUE})
    client.post(URL, {"enabled": "0", "next": QUEUE})
    assert saved(reviewer1) is False


@pytest.mark.parametrize("value", ["", "yes", "2", "on"])
def test_any_other_value_changes_nothing(client, reviewer1, value):
    login(client, reviewer1)
    response = client.post(URL, {"enabled": value, "next": QUEUE})
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert saved(reviewer1) is True


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "review:queue", "/x\x00y"])
def test_a_next_that_is_no_local_path_goes_home(client, reviewer1, target):
    login(client, reviewer1)
    response = client.post(URL, {"enabled": "0", "next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_anonymous_goes_to_login(client, db):
    response = client.post(URL, {"enabled": "0"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_get_is_not_allowed(client, reviewer1):
    login(client, reviewer1)
    assert client.get(URL).status_code == 405


def test_queue_page_shows_the_switch_with_the_current_state(client, reviewer1):
    login(client, reviewer1)
    html = client.get(QUEUE).content.decode()
    assert 'data-queue-shortcuts="on"' in html
    assert "Turn off keyboard shortcuts" in html and '<input type="hidden" name="enabled" value="0">' in html
    assert f'action="{URL}"' in html


def test_the_cached_queue_page_follows_the_switch(client, reviewer1, settings):
    settings.QUEUE_CACHE_SECONDS = 60
    login(client, reviewer1)
    assert 'data-queue-shortcuts="on"' in client.get(QUEUE).content.decode()
    assert 'data-queue-shortcuts="on"' in client.get(QUEUE).content.decode()  # (now from the cache)
    client.post(URL, {"enabled": "0", "next": QUEUE})
    client.get(QUEUE)  # the page with the flash message (never cached)
    assert 'data-queue-shortcuts="off"' in client.get(QUEUE).content.decode()

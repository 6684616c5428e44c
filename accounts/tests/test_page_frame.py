"""What base.html gives every page for keyboard and screen-reader users: a language switch that
acts only on its button (WCAG 3.2.2), one live region that HTMX never replaces, and a flash
message that takes the focus after a form's redirect."""

import re

import pytest
from django.urls import reverse

from tests.helpers import login


@pytest.mark.parametrize(("who", "page"), [("contoso_admin", "claims:list"), ("reviewer1", "review:queue")])
def test_one_live_region_outside_main(client, request, who, page):
    login(client, request.getfixturevalue(who))
    html = client.get(reverse(page)).content.decode()
    assert html.count('id="live-message"') == 1
    assert html.count('aria-live="polite"') == 1  # the results regions are not live regions
    region = re.search(r'<div id="live-message"[^>]*>', html)[0]
    assert 'role="status"' in region and 'aria-atomic="true"' in region
    assert html.index("</main>") < html.index('id="live-message"')


def test_language_switch_has_a_visible_button_and_no_autosubmit(client, contoso_admin):
    login(client, contoso_admin)
    html = client.get(reverse("claims:list")).content.decode()
    form = re.search(r'<form class="lang-form".*?</form>', html, re.S)[0]
    assert "data-autosubmit" not in form
    button = re.search(r"<button[^>]*>([^<]*)</button>", form)
    assert button and "js-hide" not in button[0] and button[1] == "Change"


def test_a_flash_after_a_redirect_takes_the_focus(client, reviewer1):
    login(client, reviewer1)
    response = client.post(reverse("keyboard_shortcuts"), {"enabled": "0", "next": "/review/"}, follow=True)
    html = response.content.decode()
    messages = re.search(r'<div class="messages"[^>]*>', html)[0]
    assert "data-focus-on-load" in messages and 'tabindex="-1"' in messages
    assert "data-focus-on-load" not in client.get(reverse("review:queue")).content.decode()

"""Every demo user signs in and lands on a page meant for their role, in their own language."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import sign_in, tr

pytestmark = pytest.mark.browser

LANDINGS = [
    ("contoso.admin", "/claims/", "My claims"),
    ("contoso.viewer", "/claims/", "My claims"),
    ("fabrikam.admin", "/claims/", "My claims"),
    ("reviewer1", "/review/", "Review queue"),
    ("reviewer2", "/review/", "Review queue"),
    ("lead", "/review/", "Review queue"),
    ("admin", "/review/", "Review queue"),
]


def test_demo_users_land_on_their_work(actors):
    """One browser context per user (their own cookies), all on one database."""
    problems = []
    for username, path, heading in LANDINGS:
        language = User.objects.get(username=username).language
        page = actors.new_page(username)
        sign_in(page, username)
        try:
            expect(page).to_have_url(f"{actors.base_url}{path}")
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.get_by_role("heading", level=1).first).to_have_text(tr(heading, language))
        except AssertionError as exc:
            problems.append(f"{username}: {exc}")
    assert not problems, "\n\n".join(problems)


def test_wrong_password_says_so_and_keeps_username(page):
    sign_in(page, "contoso.admin", password="wrong")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Username").input_value() == "contoso.admin"

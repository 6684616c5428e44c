"""Every demo user signs in and lands on a page meant for their role."""

import pytest

from tests.e2e.conftest import sign_in

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


@pytest.mark.parametrize(("username", "path", "heading"), LANDINGS)
def test_demo_user_lands_on_their_work(page, username, path, heading):
    sign_in(page, username)
    assert path in page.url
    assert page.get_by_role("heading", level=1).first.inner_text().strip().startswith(heading)
    assert not page.js_errors, page.js_errors


def test_wrong_password_says_so_and_keeps_username(page):
    sign_in(page, "contoso.admin", password="wrong")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Username").input_value() == "contoso.admin"

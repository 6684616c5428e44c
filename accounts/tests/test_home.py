"""Each role lands on its own work after signing in."""

import pytest
from django.urls import reverse

from tests.helpers import login


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        ("contoso_admin", "claims:list"),
        ("contoso_viewer", "claims:list"),
        ("fabrikam_admin", "claims:list"),
        ("reviewer1", "review:queue"),
        ("lead", "review:queue"),
    ],
)
def test_home_sends_each_role_to_its_work(client, request, actor, target):
    login(client, request.getfixturevalue(actor))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse(target)


def test_superuser_without_review_group_lands_in_review_queue(client, superuser):
    login(client, superuser)
    assert client.get("/")["Location"] == reverse("review:queue")


def test_anonymous_goes_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_login_page_renders(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_real_login_with_password_lands_on_role_page(client, contoso_admin):
    response = client.post(reverse("login"), {"username": "contoso.admin", "password": "pw"})
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == reverse("claims:list")


def test_login_ignores_foreign_next(client, contoso_admin):
    for target in ("//evil.example", "https://evil.example/x"):
        response = client.post(
            reverse("login") + f"?next={target}", {"username": "contoso.admin", "password": "pw", "next": target}
        )
        assert response.status_code == 302
        assert "evil.example" not in response["Location"]


def test_language_switch_is_saved_for_the_user(client, contoso_admin):
    login(client, contoso_admin)
    response = client.post(reverse("set_language"), {"language": "sv", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    contoso_admin.refresh_from_db()
    assert contoso_admin.language == "sv"


def test_set_language_get_not_allowed(client, db):
    assert client.get(reverse("set_language")).status_code == 405

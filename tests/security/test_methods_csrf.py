"""Methods and forgery: every state-changing URL refuses GET (and the other methods) with
405; every POST without a valid CSRF token is a 403 with a friendly page; a ``next=`` that
leaves the site is ignored after signing in, switching language and signing out."""

from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.conftest import ACTORS, client_for, tally
from tests.security.matrix import OK_POST, ROUTES, _objects_urls
from tests.security.scan import problems


def _allowed_actor(route, obj):
    """Someone the matrix lets through (so a refusal can only come from the method or CSRF)."""
    for actor in ACTORS:
        expected = route.expect(actor, obj)
        if expected == OK_POST or expected in (200, 302) or isinstance(expected, frozenset):
            return actor
    raise AssertionError("no actor may use this route")


def _action_urls(world, *, post_only=True):
    builders = _objects_urls(world)
    for key, route in ROUTES.items():
        if route.method != "post" or (post_only and route.get is not None):
            continue
        obj = "own" if route.objects else None
        args = builders.get(key, builders["_default"])(obj) if obj else []
        # notifications: "own" is Contoso's admin's notification
        yield key, route, reverse(key, args=args), _allowed_actor(route, obj)


def test_state_changing_urls_refuse_other_methods(world, quiet_request_log):
    failures, tried = [], 0
    for key, _route, url, actor in _action_urls(world):
        client = client_for(actor, world)
        for method in ("get", "head", "put", "patch", "delete"):
            response = getattr(client, method)(url)
            tried += 1
            if response.status_code != 405:
                failures.append(f"{method.upper()} {key} ({url}) as {actor}: {response.status_code}")
            elif method == "get":
                assert "POST" in response["Allow"]
    # the form pages take GET and POST, nothing else (Django's LoginView treats PUT as POST:
    # a login form again, still behind the CSRF check below)
    for key, route, url, actor in _action_urls(world, post_only=False):
        if route.get is None or key == "login":
            continue
        client = client_for(actor, world)
        for method in ("put", "patch", "delete"):
            tried += 1
            status = getattr(client, method)(url).status_code
            if status != 405:
                failures.append(f"{method.upper()} {key} ({url}) as {actor}: {status}")
    tally("methods on state-changing URLs", tried)
    assert not failures, "\n".join(failures)


def test_posts_without_a_valid_csrf_token_are_refused(world, quiet_request_log):
    failures, tried = [], 0
    for key, route, url, actor in _action_urls(world, post_only=False):
        client = client_for(actor, world, enforce_csrf_checks=True)
        body = dict(route.body or {})
        # any page with a form sets the CSRF cookie
        client.get(reverse("login") if actor == "anonymous" else reverse("notifications:list"))
        cookie = client.cookies["csrftoken"].value
        for label, extra, headers in (
            ("no token", {}, {}),
            ("a made-up token", {"csrfmiddlewaretoken": "x" * 64}, {}),
            ("a token of another session", {"csrfmiddlewaretoken": _foreign_token()}, {}),
            ("the header with another value", {}, {"HTTP_X_CSRFTOKEN": _foreign_token()}),
            (
                "a right token from an evil origin",
                {"csrfmiddlewaretoken": cookie},
                {"HTTP_ORIGIN": "https://evil.example"},
            ),
        ):
            response = client.post(url, {**body, **extra}, **headers)
            tried += 1
            if response.status_code != 403:
                failures.append(f"POST {key} ({url}) as {actor} with {label}: {response.status_code}")
        # the same request with the token goes through the CSRF check (sanity: the 403s above are CSRF's)
        response = client.post(url, {**body, "csrfmiddlewaretoken": cookie})
        if response.status_code == 403:
            failures.append(f"POST {key} ({url}) as {actor} with a valid token: 403")
        if key == "logout":
            continue
    tally("forged POSTs (CSRF)", tried)
    assert not failures, "\n".join(failures)


def _foreign_token():
    other = Client()
    other.get(reverse("login"))
    return other.cookies["csrftoken"].value


def test_the_csrf_failure_page_is_friendly(csrf_client, contoso_admin):
    response = csrf_client.post(reverse("login"), {"username": "contoso.admin", "password": "pw"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html and "Nothing was saved" in html
    assert "CSRF verification" not in html and "DEBUG" not in html
    assert not problems(html), problems(html)
    assert response["Content-Security-Policy"]


EVIL_NEXTS = (
    "//evil.example",
    "//evil.example/claims/",
    "https://evil.example",
    "https://evil.example/accounts/login/",
    "http://evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https:evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://testserver.evil.example/",
    "//testserver@evil.example",
    "https://evil.example\\@testserver/",
    " //evil.example",
    "\t//evil.example",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
)


def _on_site(location: str) -> bool:
    """Where a browser would go: it drops leading spaces and control characters and reads a
    backslash as a slash."""
    browser = location.lstrip("".join(map(chr, range(0x21)))).replace("\\", "/")
    target = urlsplit(urljoin("http://testserver/accounts/login/", browser))
    return target.scheme == "http" and target.netloc == "testserver"


@pytest.mark.parametrize("target", EVIL_NEXTS)
def test_login_next_cannot_leave_the_site(target, client, contoso_admin):
    response = client.post(
        reverse("login") + "?next=" + target, {"username": "contoso.admin", "password": "pw", "next": target}
    )
    assert response.status_code == 302
    assert _on_site(response["Location"]), response["Location"]
    # the login page does not echo it into a link either
    page = Client().get(reverse("login"), {"next": target})
    assert 'href="' + target not in page.content.decode()
    tally("open-redirect targets", 1)


@pytest.mark.parametrize("target", EVIL_NEXTS)
def test_language_switch_and_logout_stay_on_site(target, client, contoso_admin):
    response = client.post(reverse("set_language"), {"language": "sv", "next": target})
    assert response.status_code == 302 and _on_site(response["Location"]), response["Location"]
    client.force_login(contoso_admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("logout") + "?next=" + target, {"next": target})
    assert response.status_code == 302 and _on_site(response["Location"]), response["Location"]
    tally("open-redirect targets", 2)


def test_a_safe_next_is_followed(client, contoso_admin):
    response = client.post(reverse("login"), {"username": "contoso.admin", "password": "pw", "next": "/notifications/"})
    assert response["Location"] == "/notifications/"


def test_csrf_token_is_not_in_a_url(world):
    """The token travels in a hidden field and the htmx header, never in a link."""
    client = client_for("contoso.admin", world)
    html = client.get(reverse("claims:detail", args=[world.companies["contoso"].claim.pk])).content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert "csrfmiddlewaretoken=" not in html

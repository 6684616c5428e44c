"""Headers and sessions: the security headers on every page and fragment the matrix opens
(CSP without inline script or eval, nosniff, referrer policy, framing), no inline script or
``style=`` in any of them (the CSP would block it), secure cookies in production, login
throttling with a clear lockout page, and sessions that expire."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.helpers import current_version, login
from tests.security.conftest import client_for, tally
from tests.security.matrix import admin_cases, portal_cases
from tests.security.scan import problems

BASE_DIR = Path(settings.BASE_DIR)


def _csp(response) -> dict[str, list[str]]:
    policy = response.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _header_problems(response, *, download: bool) -> list[str]:
    found = []
    csp = _csp(response)
    if not csp:
        return ["no Content-Security-Policy"]
    if download:
        if "sandbox" not in csp:
            found.append(f"a download without a sandbox CSP: {response['Content-Security-Policy']}")
    else:
        script = csp.get("script-src", csp.get("default-src"))
        if script is None:
            found.append("no script-src or default-src")
        elif {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(script):
            found.append(f"script-src allows {script}")
        style = csp.get("style-src", csp.get("default-src", []))
        if "'unsafe-inline'" in style:
            found.append("style-src allows 'unsafe-inline'")
        if csp.get("object-src") != ["'none'"]:
            found.append("object-src is not 'none'")
        if "frame-ancestors" not in csp:
            found.append("no frame-ancestors")
    if response.get("X-Content-Type-Options") != "nosniff":
        found.append("no X-Content-Type-Options: nosniff")
    if response.get("Referrer-Policy") not in ("same-origin", "strict-origin-when-cross-origin", "no-referrer"):
        found.append(f"Referrer-Policy is {response.get('Referrer-Policy')!r}")
    if response.get("X-Frame-Options") not in ("DENY", "SAMEORIGIN"):
        found.append(f"X-Frame-Options is {response.get('X-Frame-Options')!r}")
    return found


def test_headers_and_markup_of_every_page_the_matrix_opens(world, admin_rows, quiet_request_log, capsys):
    """Every GET the access matrix expects to be a 200 (pages, HTMX fragments, downloads, the
    export, the admin as superuser), fetched again and read for headers and inline code."""
    cases = [
        c
        for c in portal_cases(world) + admin_cases(world)
        if c.method == "get" and c.expected == 200 and c.variant in ("", "htmx")
    ]
    clients, failures, html_pages = {}, [], 0
    for case in cases:
        client = clients.get(case.actor) or clients.setdefault(case.actor, client_for(case.actor, world))
        response = client.get(case.url, **(case.headers or {}))
        assert response.status_code == 200, case.label
        download = case.kind == "download"
        for problem in _header_problems(response, download=download):
            failures.append(f"{case.label}: {problem}")
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html"):
            html_pages += 1
            for problem in problems(response.content.decode()):
                failures.append(f"{case.label}: {problem}")
        elif hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert not failures, "\n".join(failures)
    assert html_pages > 100
    tally("access: pages read for headers and inline code", len(cases))
    with capsys.disabled():
        print(f"\nheaders: {len(cases)} responses checked, {html_pages} HTML pages scanned for inline script/style")


def test_error_pages_have_the_headers_too(client, contoso_admin, quiet_request_log):
    login(client, contoso_admin)
    for url, status in (("/no-such-page/", 404), (reverse("review:queue"), 403), (reverse("logout"), 405)):
        response = client.get(url)
        assert response.status_code == status
        assert not _header_problems(response, download=False), (url, _header_problems(response, download=False))
        assert not problems(response.content.decode())


def test_htmx_is_configured_for_the_csp(client, contoso_admin):
    """htmx must not inject inline styles or evaluate attributes (blocked or dangerous under the CSP)."""
    login(client, contoso_admin)
    html = client.get(reverse("claims:list")).content.decode()
    start = html.index('name="htmx-config" content=\'') + len('name="htmx-config" content=\'')
    config = json.loads(html[start : html.index("'", start)])
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["allowScriptTags"] is False
    assert config["selfRequestsOnly"] is True


# --- production mode -------------------------------------------------------------------------------

PRODUCTION_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "DEBUG",
)


@pytest.fixture(scope="module")
def production_settings(tmp_path_factory):
    """The settings as ``DJANGO_ENV=production`` computes them, read in a fresh interpreter."""
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "cpor_portal.settings",
        "DJANGO_SECRET_KEY": "security-suite-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "portal.example",
        "CPOR_VAR_DIR": str(tmp_path_factory.mktemp("prod-var")),
    }
    env.pop("DJANGO_DEBUG", None)
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{k: getattr(s, k) for k in {PRODUCTION_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    values["_check_deploy"] = (check.returncode, check.stdout + check.stderr)
    return values


def test_production_settings_are_strict(production_settings):
    s = production_settings
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] is True and s["CSRF_COOKIE_SECURE"] is True and s["LANGUAGE_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SESSION_COOKIE_SAMESITE"] == "Lax" and s["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SESSION_COOKIE_AGE"] <= 12 * 3600
    returncode, output = s["_check_deploy"]
    assert returncode == 0, output


def test_production_cookies_on_the_wire(client, contoso_admin, production_settings):
    """Sign in and switch language with the production cookie settings: every cookie the
    portal sets is Secure and SameSite=Lax, the session cookie HttpOnly and gone when the
    browser closes."""
    names = [k for k in PRODUCTION_SETTINGS if k.endswith(("_SECURE", "_HTTPONLY", "_SAMESITE", "_CLOSE", "_AGE"))]
    overrides = {k: production_settings[k] for k in names}
    with override_settings(**overrides):
        client.get(reverse("login"))
        response = client.post(reverse("login"), {"username": "contoso.admin", "password": "pw"}, secure=True)
        assert response.status_code == 302
        set_cookies = dict(response.cookies)
        language = client.post(reverse("set_language"), {"language": "sv", "next": "/"}, secure=True)
        set_cookies.update(language.cookies)
        csrf_page = Client().get(reverse("login"), secure=True)
        set_cookies.update(csrf_page.cookies)
    assert {"sessionid", "csrftoken", settings.LANGUAGE_COOKIE_NAME} <= set(set_cookies)
    for name, morsel in set_cookies.items():
        assert morsel["secure"], f"{name} is not Secure"
        assert morsel["samesite"] == "Lax", f"{name} SameSite={morsel['samesite']!r}"
    session = set_cookies["sessionid"]
    assert session["httponly"]
    assert not session["max-age"] and not session["expires"]  # a browser-session cookie


# --- login throttling ----------------------------------------------------------------------------


def _attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.parametrize("username", ["contoso.admin", "no.such.user"])
def test_lockout_after_the_failure_limit(client, contoso_admin, username, quiet_request_log):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _i in range(limit - 1):
        response = _attempt(client, username, "wrong")
        assert response.status_code == 200
        assert "Too many" not in response.content.decode()
    response = _attempt(client, username, "wrong")  # the limit-th failure locks
    assert response.status_code in (403, 429)
    # now even the right password is refused, with a clear message
    response = _attempt(client, username, "pw")
    assert response.status_code in (403, 429)
    html = response.content.decode()
    assert "Too many sign-in attempts" in html
    assert "locked for 15 minutes" in html
    assert not problems(html)
    assert "_auth_user_id" not in client.session
    # the same for a username that does not exist: the page reveals nothing about accounts
    tally("login attempts (throttling)", limit + 1)


def test_lockout_is_per_username_and_address(client, contoso_admin, contoso_viewer, quiet_request_log):
    for _i in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, "contoso.admin", "wrong")
    assert _attempt(client, "contoso.admin", "pw").status_code in (403, 429)
    # another user from the same address, and the same user from another address, still sign in
    assert _attempt(Client(), "contoso.viewer", "pw").status_code == 302
    assert (
        Client(REMOTE_ADDR="10.0.0.9")
        .post(reverse("login"), {"username": "contoso.admin", "password": "pw"})
        .status_code
        == 302
    )


def test_a_successful_login_resets_the_count(client, contoso_admin, quiet_request_log):
    limit = settings.AXES_FAILURE_LIMIT
    for _i in range(limit - 1):
        _attempt(client, "contoso.admin", "wrong")
    assert _attempt(client, "contoso.admin", "pw").status_code == 302
    client.post(reverse("logout"))
    for _i in range(limit - 1):
        assert _attempt(client, "contoso.admin", "wrong").status_code == 200
    assert _attempt(client, "contoso.admin", "pw").status_code == 302
    tally("login attempts (throttling)", 2 * limit)


def test_lockout_ends_after_the_cool_off(client, contoso_admin, quiet_request_log):
    from axes.models import AccessAttempt

    for _i in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, "contoso.admin", "wrong")
    assert _attempt(client, "contoso.admin", "pw").status_code in (403, 429)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    )
    assert _attempt(client, "contoso.admin", "pw").status_code == 302


# --- session expiry --------------------------------------------------------------------------------


def test_session_age_is_bounded():
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_an_expired_session_is_sent_to_login(client, contoso_admin, draft):
    response = client.post(reverse("login"), {"username": "contoso.admin", "password": "pw"})
    assert response.status_code == 302
    url = reverse("claims:detail", args=[draft.pk])
    assert client.get(url).status_code == 200
    session = Session.objects.get(session_key=client.cookies["sessionid"].value)
    # the server-side expiry is the login time plus SESSION_COOKIE_AGE
    age = (session.expire_date - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 60 < age <= settings.SESSION_COOKIE_AGE
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    # a form posted with the expired session does not act either
    response = client.post(
        reverse("claims:withdraw", args=[draft.pk]), {"version": current_version(draft), "confirm": "on"}
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    draft.refresh_from_db()
    assert draft.status == "editing"


def test_logout_ends_the_session_on_the_server(client, contoso_admin):
    client.post(reverse("login"), {"username": "contoso.admin", "password": "pw"})
    key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get(reverse("claims:list")).status_code == 302


def test_login_rotates_the_session_key(client, contoso_admin):
    client.get(reverse("login"))
    client.session.save()
    before = client.cookies["sessionid"].value if "sessionid" in client.cookies else None
    client.post(reverse("login"), {"username": "contoso.admin", "password": "pw"})
    assert client.cookies["sessionid"].value != before


@pytest.mark.django_db
def test_signed_in_pages_are_private_and_not_stored(client, contoso_admin, reviewer1):
    from django.urls import reverse

    assert "Cache-Control" not in client.get("/no-such-page/")  # an anonymous page: left alone
    for user, url in ((contoso_admin, reverse("claims:list")), (reviewer1, reverse("review:queue"))):
        login(client, user)
        assert client.get(url)["Cache-Control"] == "private, no-store"
    assert client.get(reverse("healthz"))["Cache-Control"].startswith("max-age=0")  # its own header kept


def test_forwarded_proto_is_read_only_behind_a_configured_proxy(production_settings):
    assert production_settings["SECURE_PROXY_SSL_HEADER"] is None

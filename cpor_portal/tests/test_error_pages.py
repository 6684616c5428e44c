"""Under DEBUG (``make run``) a 404, 400 or 500 is the portal's own page; Django's technical
pages only with DEBUG_TECHNICAL_PAGES=1 (lib.middleware.PortalErrorPagesMiddleware)."""

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from lib.middleware import PortalErrorPagesMiddleware

pytestmark = pytest.mark.urls("cpor_portal.tests.error_urls")
TECHNICAL = ("Traceback", "Technical", "DEBUG = True", "SECRET_KEY", "Using the URLconf", "urlpatterns", "boom:")


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_PAGES = False
    return settings


def body(response) -> str:
    return response.content.decode()


def assert_not_technical(response):
    text = body(response)
    for marker in TECHNICAL:
        assert marker not in text, marker


def test_missing_url_is_our_404_with_navigation(debug, client, contoso_admin):
    client.force_login(contoso_admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert_not_technical(response)
    text = body(response)
    assert "Page not found" in text
    assert 'class="main-nav"' in text  # the portal's layout, signed in: its navigation
    assert "My claims" in text


def test_http404_from_a_view_is_our_404(debug, client):
    response = client.get("/gone/")
    assert response.status_code == 404
    assert_not_technical(response)
    assert "Page not found" in body(response)
    assert "no such claim" not in body(response)


def test_missing_url_without_slash_still_redirects(debug, client):
    assert client.get("/claims").status_code == 301  # APPEND_SLASH: CommonMiddleware runs on our 404


def test_crash_is_our_500_and_the_traceback_is_logged(debug, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")
    assert response.status_code == 500
    assert_not_technical(response)
    assert "Something went wrong on our side" in body(response)
    [record] = [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]
    assert record.getMessage() == "Internal Server Error: /boom/"
    assert record.exc_info and isinstance(record.exc_info[1], RuntimeError)  # the console shows the traceback


def test_crash_still_reaches_got_request_exception(debug):
    with pytest.raises(RuntimeError, match="boom"):
        Client().get("/boom/")  # the test client re-raises what the signal reports


@pytest.mark.parametrize(
    ("url", "logger", "message"),
    [
        ("/suspicious/", "django.security.DisallowedRedirect", "Unsafe redirect to a very long URL"),
        ("/bad/", "django.request", "the filter makes no sense: /bad/"),
    ],
)
def test_bad_request_is_our_400_and_logged(debug, client, caplog, url, logger, message):
    with caplog.at_level(logging.WARNING):
        response = client.get(url)
    assert response.status_code == 400
    assert_not_technical(response)
    assert "That request could not be understood" in body(response)
    assert 'class="site-header"' in body(response)  # the portal's layout
    assert [r.getMessage() for r in caplog.records if r.name == logger] == [message]


def test_500_page_needs_no_database_and_no_user(debug):
    # No db fixture: any query would fail the test, as when the database is down.
    request = RequestFactory().get("/boom/")  # no session, no request.user
    response = PortalErrorPagesMiddleware(lambda r: None).process_exception(request, RuntimeError("database down"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in body(response)


def test_permission_denied_is_left_to_django(debug):
    # handler403 renders the portal's page under DEBUG too.
    middleware = PortalErrorPagesMiddleware(lambda r: None)
    assert middleware.process_exception(RequestFactory().get("/"), PermissionDenied()) is None


def test_technical_pages_when_asked_for(debug, client):
    debug.DEBUG_TECHNICAL_PAGES = True
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404
    assert "Using the URLconf" in body(missing)
    crash = Client(raise_request_exception=False).get("/boom/")
    assert crash.status_code == 500
    assert "Traceback" in body(crash)
    suspicious = client.get("/suspicious/")
    assert suspicious.status_code == 400
    assert "Traceback" in body(suspicious)


def test_without_debug_the_middleware_does_nothing(settings, client):
    settings.DEBUG = False
    middleware = PortalErrorPagesMiddleware(lambda r: "passed")
    assert middleware(RequestFactory().get("/no/such/page/")) == "passed"
    assert middleware.process_exception(RequestFactory().get("/"), RuntimeError()) is None
    assert client.get("/no/such/page/").status_code == 404

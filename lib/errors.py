"""Error pages: friendly, in the user's language, never a stack trace. The 500 page renders
without a database (the failure may be the database); when the failure *is* the database
(unreachable, or gone mid-request) it is a 503 with ``Retry-After``, so clients, proxies and
load balancers know to come back, and the page says so."""

import sys

from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views import defaults

from lib import metrics
from lib.log import outage_kind

DATABASE_RETRY_AFTER_S = 30


def bad_request(request, exception):
    """In the portal's layout for the signed-in user (Django's own renders without the request,
    so the page looked signed out, e.g. after a form with too many files). If the request is
    too broken for that, the plain rendering."""
    try:
        return render(request, "errors/400.html", status=400)
    except Exception:
        return defaults.bad_request(request, exception, template_name="errors/400.html")


def permission_denied(request, exception):
    return defaults.permission_denied(request, exception, template_name="errors/403.html")


def csrf_failure(request, reason=""):
    """A form that failed the CSRF check (settings.CSRF_FAILURE_VIEW): usually a page left open
    past its session, so say that, in the portal's own layout (Django's page has inline CSS
    that our Content-Security-Policy blocks). The reason is for logs, not for the visitor."""
    return render(request, "errors/403_csrf.html", status=403)


def page_not_found(request, exception):
    return defaults.page_not_found(request, exception, template_name="errors/404.html")


def server_error(request):
    """handler500. Django calls it while handling the exception, so ``sys.exc_info`` says what
    failed: the database being away is a 503 with ``Retry-After``; anything else a 500."""
    unavailable = outage_kind(sys.exc_info()[1]) == "database"
    template = "errors/503.html" if unavailable else "errors/500.html"
    try:
        html = loader.get_template(template).render({})
    except Exception:
        html = "<!doctype html><title>Error</title><h1>Something went wrong</h1><p>Please try again later.</p>"
    if not unavailable:
        return HttpResponseServerError(html)
    metrics.dependency_failed("database")
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_S)
    return response

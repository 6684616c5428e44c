"""Error pages: friendly, in the user's language, never a stack trace. The 500 page renders
without a database (the failure may be the database)."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views import defaults


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
    try:
        html = loader.get_template("errors/500.html").render({})
    except Exception:
        html = "<!doctype html><title>Error</title><h1>Something went wrong</h1><p>Please try again later.</p>"
    return HttpResponseServerError(html)

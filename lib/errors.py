"""Error pages: friendly, in the user's language, never a stack trace. The 500 page renders
without a database (the failure may be the database)."""

from django.http import HttpResponseServerError
from django.template import loader
from django.views import defaults


def bad_request(request, exception):
    return defaults.bad_request(request, exception, template_name="errors/400.html")


def permission_denied(request, exception):
    return defaults.permission_denied(request, exception, template_name="errors/403.html")


def page_not_found(request, exception):
    return defaults.page_not_found(request, exception, template_name="errors/404.html")


def server_error(request):
    try:
        html = loader.get_template("errors/500.html").render({})
    except Exception:
        html = "<!doctype html><title>Error</title><h1>Something went wrong</h1><p>Please try again later.</p>"
    return HttpResponseServerError(html)

"""The portal's URLconf plus a view that fails, for the error-page tests."""

from django.core.exceptions import BadRequest, DisallowedRedirect
from django.http import Http404
from django.urls import path

from cpor_portal.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("boom: the database is on fire")


def gone(request):
    raise Http404("no such claim")


def suspicious(request):
    raise DisallowedRedirect("Unsafe redirect to a very long URL")


def bad(request):
    raise BadRequest("the filter makes no sense")


urlpatterns = [
    *urlpatterns,
    path("boom/", boom),
    path("gone/", gone),
    path("suspicious/", suspicious),
    path("bad/", bad),
]

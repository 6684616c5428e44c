from django.contrib import admin
from django.http import HttpResponse
from django.urls import path

from claims.models import Claim
from cpor_portal.urls import urlpatterns as portal_urlpatterns

# The anchor operators would otherwise use: Django's admin with an untuned ModelAdmin.
stock_site = admin.AdminSite(name="stock_admin")
stock_site.register(Claim, admin.ModelAdmin)


def minimal(request):
    """The framework floor: a fixed string through the same middleware."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    path("bench/stock-admin/", stock_site.urls),
    *portal_urlpatterns,
]

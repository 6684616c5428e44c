from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("CPOR Portal administration")
admin.site.site_title = _("CPOR Portal admin")
admin.site.index_title = _("Operations")

urlpatterns = [
    path("", include("accounts.urls")),
    path("claims/", include("claims.urls")),
    path("review/", include("review.urls")),
    path("arbitration/", include("arbitration.urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "lib.errors.bad_request"
handler403 = "lib.errors.permission_denied"
handler404 = "lib.errors.page_not_found"
handler500 = "lib.errors.server_error"

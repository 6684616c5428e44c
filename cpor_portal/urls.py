from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from notifications.urls import urlpatterns as notification_urls
from review.urls import notifications_urlpatterns as review_notification_urls

admin.site.site_header = _("CPOR Portal administration")
admin.site.site_title = _("CPOR Portal admin")
admin.site.index_title = _("Operations")
# No navigation sidebar: at 1366 px it took 300 of the changelists' pixels (the claims list had to
# scroll sideways). The breadcrumbs and the index page lead everywhere.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", include("accounts.urls")),
    path("claims/", include("partner_portal.urls")),
    path("review/", include("review.urls")),
    path("arbitration/", include("arbitration.urls")),
    path("", include("consent.urls")),  # /consent/…: the customer's public page, a reviewer's resend
    path("notifications/", include(([*notification_urls, *review_notification_urls], "notifications"))),
    path("admin/", admin.site.urls),
]

handler400 = "lib.errors.bad_request"
handler403 = "lib.errors.permission_denied"
handler404 = "lib.errors.page_not_found"
handler500 = "lib.errors.server_error"

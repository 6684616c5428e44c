from django.urls import path

from review import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk/", views.bulk, name="bulk"),
    path("export.csv", views.export, name="export"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/assign/", views.claim_assign, name="assign"),
    path("claims/<int:pk>/start/", views.claim_start, name="start"),
    path("claims/<int:pk>/request-info/", views.claim_request_info, name="request_info"),
    path("claims/<int:pk>/approve/", views.claim_approve, name="approve"),
    path("claims/<int:pk>/reject/", views.claim_reject, name="reject"),
    path("claims/<int:pk>/revert/", views.claim_revert, name="revert"),
    path("claims/<int:pk>/comment/", views.claim_comment, name="comment"),
    path("claims/<int:pk>/poe/<int:poe_id>/preview/", views.poe_preview, name="poe_preview"),
]

# Kept at its first home, /notifications/recheck/<pk>/ as ``notifications:recheck_claim``
# (links and tests use that name); the project URLconf mounts these under that namespace.
notifications_urlpatterns = [
    path("recheck/<int:pk>/", views.claim_recheck, name="recheck_claim"),
]

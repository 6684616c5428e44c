"""The partner's pages. The namespace stays ``claims`` (``claims:list``, ``claims:detail``, …)
so URLs and URL names did not change when these views left the ``claims`` app."""

from django.urls import path

from partner_portal import poe_template, views

app_name = "claims"
urlpatterns = [
    path("", views.claim_list, name="list"),
    path("export/", views.claim_export, name="export"),
    path("new/", views.claim_new, name="new"),
    path("new/fields/", views.form_fields, name="form_fields"),
    path("poe-template/", poe_template.poe_template, name="poe_template"),
    path("check/tenant/", views.live_check_tenant, name="check_tenant"),
    path("check/subscription/", views.live_check_subscription, name="check_subscription"),
    path("check/mpn/", views.live_check_mpn, name="check_mpn"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/edit/", views.claim_edit, name="edit"),
    path("<int:pk>/submit/", views.claim_submit_view, name="submit"),
    path("<int:pk>/reclaim/", views.claim_reclaim, name="reclaim"),
    path("<int:pk>/comments/", views.comment_post, name="comment"),
    path("<int:pk>/resubmit/", views.claim_resubmit_view, name="resubmit"),
    path("<int:pk>/withdraw/", views.claim_withdraw_view, name="withdraw"),
    path("<int:pk>/dispute/", views.claim_dispute_view, name="dispute"),
    path("<int:pk>/end/", views.claim_end_view, name="end"),
    path("<int:pk>/poe/", views.poe_add, name="poe_add"),
    path("<int:pk>/poe/<int:poe_id>/", views.poe_download, name="poe_download"),
    path("<int:pk>/poe/<int:poe_id>/preview/", views.poe_preview, name="poe_preview"),
    path("drafts/discard/", views.drafts_discard_view, name="drafts_discard"),
    path("<int:pk>/case-answer/", views.claim_case_answer_view, name="case_answer"),
]

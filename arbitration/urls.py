from django.urls import path

from arbitration import views

app_name = "arbitration"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/assign/", views.case_assign, name="assign"),
    path("<int:pk>/request-info/", views.case_request_info, name="request_info"),
    path("<int:pk>/award/", views.case_award, name="award"),
    path("<int:pk>/reopen/", views.case_reopen, name="reopen"),
    path("<int:pk>/claims/<int:claim_pk>/poe/<int:poe_id>/preview/", views.poe_preview, name="poe_preview"),
    path("for-claim/<int:claim_pk>/", views.case_for_claim, name="for_claim"),
]

from django.urls import path

from consent import views

app_name = "consent"
urlpatterns = [
    path("consent/done/", views.consent_done, name="done"),
    path("consent/claims/<int:pk>/resend/", views.consent_resend, name="resend"),
    # The customer's link: no login; the token is the credential (consent.tokens).
    path("consent/<str:token>/", views.consent_page, name="page"),
]

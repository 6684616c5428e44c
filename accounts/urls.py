from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics_view, name="metrics"),
    path("request-too-large/", views.request_too_large, name="request_too_large"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/keyboard-shortcuts/", views.keyboard_shortcuts, name="keyboard_shortcuts"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]

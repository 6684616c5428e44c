from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")


class LoginProtectionConfig(AxesAppConfig):
    """django-axes (the login lockout, accounts.lockout) under a translated name in the admin."""

    verbose_name = _("Login protection")

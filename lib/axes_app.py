"""django-axes (the login lockout, ``accounts.lockout``) installed under a translated name, so
the admin index reads "Login protection" / "Inloggningsskydd" instead of "Axes". In its own
module: an app's ``apps.py`` with a second AppConfig class would no longer pick its own."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class LoginProtectionConfig(AxesAppConfig):
    verbose_name = _("Login protection")

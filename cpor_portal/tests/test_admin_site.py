"""The admin site as operators see it: translated app names, no navigation sidebar."""

from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

PROJECT_APPS = (
    "accounts",
    "partners",
    "directory",
    "claims",
    "arbitration",
    "audit",
    "notifications",
    "review",
    "partner_portal",
    "demo",
)


def test_every_app_name_is_translatable():
    for label in PROJECT_APPS:
        verbose_name = apps.get_app_config(label).verbose_name
        assert isinstance(verbose_name, Promise), label  # gettext_lazy: read in the reader's language


def test_admin_index_names_the_apps_in_the_readers_language(client, superuser):
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    body = client.get(reverse("admin:index")).content.decode()
    assert "Customer directory" in body
    assert 'id="nav-sidebar"' not in body  # the changelists keep their 300 px at 1366
    superuser.language = "sv"
    superuser.save(update_fields=["language"])
    body = client.get(reverse("admin:index")).content.decode()
    with translation.override("sv"):
        for label in ("claims", "directory", "notifications"):
            assert str(apps.get_app_config(label).verbose_name) in body

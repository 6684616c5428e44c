"""Celery application. Configuration comes from Django settings under the ``CELERY_``
namespace; tasks live in each app's ``tasks.py``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpor_portal.settings")

app = Celery("cpor_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""Celery application. Configuration comes from Django settings under the ``CELERY_``
namespace (broker from ``CELERY_BROKER_URL``/``REDIS_URL``, ``acks_late``, prefetch 1, no
result backend, the one beat schedule); tasks live in each app's ``tasks.py``.

Without a broker (``make run``) tasks run in-process (``CELERY_TASK_ALWAYS_EAGER``). In
production: one ``celery worker`` (or more) and exactly one ``celery beat``; see
``make serve-prod``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpor_portal.settings")

app = Celery("cpor_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# When the broker connection drops, cancel the tasks still running: their messages are
# redelivered (acks_late) and every task is idempotent, so nothing runs twice side by side.
app.conf.worker_cancel_long_running_tasks_on_connection_loss = True
app.autodiscover_tasks()

"""Benchmark settings: the real settings, plus a URLconf with the anchors (a stock
ModelAdmin changelist and a minimal view) and no in-process task execution."""

import os

os.environ.setdefault("DJANGO_ENV", "development")
os.environ.setdefault("DJANGO_DEBUG", "false")

from cpor_portal.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Queued tasks go to an in-memory broker nobody reads: the sweep measured is the sweep itself.
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = "memory://"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
AXES_ENABLED = False
# Persistent connections, as in production (DJANGO_ENV=production defaults to 60 s): the HTTP
# runs measure the portal, not PostgreSQL's connection set-up.
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
# The cache as in production: Redis, shared by the HTTP run's two workers (BENCH_REDIS_URL,
# default the local server's database 3, flushed when the bench starts). Without a reachable
# Redis the queue is drawn on every request.
CACHES = {
    "default": {
        "BACKEND": "lib.redis_cache.ReusingRedisCache",
        "LOCATION": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
    }
}
QUEUE_CACHE_SECONDS = int(os.environ.get("QUEUE_CACHE_SECONDS", "60"))

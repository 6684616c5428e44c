"""The cache as an optimisation only: when it is unreachable (Redis down) a read is a miss and
a write or delete is skipped, logged once per call, and the request goes on. Nothing that
must happen (a claim's change, a page) may fail because the cache is away."""

import logging

from django.core.cache import cache

log = logging.getLogger(__name__)


def cache_get(key: str, default=None):
    try:
        return cache.get(key, default)
    except Exception:  # redis.ConnectionError, timeouts, …: whatever the backend raises
        log.warning("cache unreachable: get %s", key, exc_info=True)
        return default


def cache_set(key: str, value, timeout: int) -> None:
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:
        log.warning("cache unreachable: set %s", key, exc_info=True)


def cache_delete(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        log.warning("cache unreachable: delete %s", key, exc_info=True)

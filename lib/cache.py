"""The cache as an optimisation only: when it is unreachable (Redis down, or frozen) a read is
a miss and a write or delete is skipped, and the request goes on. Nothing that must happen (a
claim's change, a page) may fail or wait because the cache is away.

Three things keep an outage cheap (docs/architecture.md, "Caches"):
- short timeouts on the client (``CACHE_CONNECT_TIMEOUT`` / ``CACHE_SOCKET_TIMEOUT``, 250 ms),
  so a frozen Redis costs one call a quarter of a second, not redis-py's default 5 s;
- a circuit breaker (``lib.breaker``): after a failure the cache is skipped for
  ``CACHE_BREAKER_SECONDS`` (5), so the requests meanwhile do not wait at all; then one call
  tries again;
- logs that stay readable: one line per failure, a traceback at most once a minute per
  process (with the count of failures since the last one), and a failure counter in the
  metrics.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from lib.breaker import Breaker

_breaker = Breaker("cache", lambda: getattr(settings, "CACHE_BREAKER_SECONDS", 5.0))


def cache_available() -> bool:
    """False while the breaker is open (a recent failure): callers skip the cache."""
    return _breaker.available()


def cache_failed(operation: str, exc: BaseException) -> None:
    """Record a failed cache call: open the breaker, count and log it (a traceback at most once
    a minute per process). For every caller of the cache, here and in ``lib.ratelimit``."""
    _breaker.failed(operation, exc)


def breaker_reset() -> None:
    """Close the breaker (tests; a process that knows the cache is back)."""
    _breaker.reset()


def cache_get(key: str, default=None):
    if not cache_available():
        return default
    try:
        return cache.get(key, default)
    except Exception as exc:  # redis.ConnectionError, timeouts, …: whatever the backend raises
        cache_failed(f"get {key}", exc)
        return default


def cache_set(key: str, value, timeout: int) -> None:
    if not cache_available():
        return
    try:
        cache.set(key, value, timeout=timeout)
    except Exception as exc:
        cache_failed(f"set {key}", exc)


def cache_delete_many(keys: list[str]) -> None:
    if not cache_available():
        return
    try:
        cache.delete_many(keys)
    except Exception as exc:
        cache_failed("delete_many", exc)


def cache_set_many(values: dict, timeout: int) -> None:
    if not cache_available():
        return
    try:
        cache.set_many(values, timeout=timeout)
    except Exception as exc:
        cache_failed("set_many", exc)


# --- generations ----------------------------------------------------------------------------
# A generation is a token that changes whenever the data behind a family of cached pages
# changes; the token is part of those pages' cache keys, so a change makes every old entry
# unreachable at once (they expire on their own). Nothing is ever stale because an
# invalidation was missed for one key: there is one token per family.


def _generation_key(name: str) -> str:
    return f"generation:{name}"


def cache_generations(*names: str) -> dict[str, str | None]:
    """The current tokens of ``names`` (one round trip), each ``None`` when the cache is
    unreachable (then nothing may be served from or stored in the cache for it)."""
    keys = {_generation_key(name): name for name in names}
    if not cache_available():
        return dict.fromkeys(names)
    try:
        found = cache.get_many(list(keys))
        for key in keys.keys() - found.keys():  # first use, or evicted: start one
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)
    except Exception as exc:
        cache_failed(f"generations {', '.join(names)}", exc)
        return dict.fromkeys(names)
    return {name: found.get(key) for key, name in keys.items()}


def cache_get_many(keys: list[str]) -> dict:
    if not cache_available():
        return {}
    try:
        return cache.get_many(keys)
    except Exception as exc:
        cache_failed("get_many", exc)
        return {}


def new_generation(name: str) -> None:
    """Start a new generation of ``name``: every entry stored under the old token is stale.
    Writers call their family's one invalidation function (``claims.cache.claims_changed``,
    ``partners.models.Partner.save``), which calls this now and again on commit."""
    cache_set(_generation_key(name), uuid.uuid4().hex, timeout=None)


def bump_generation(name: str) -> None:
    """Start a new generation of ``name`` now and again when the current transaction commits.

    Now: so that nothing cached before the change is served after it, even when the change is
    made inside a transaction that never commits in this process's sight (tests). On commit:
    a page drawn while the transaction was still open (without the change) may have been
    stored under the first new token; the second one makes it unreachable too."""
    new_generation(name)
    transaction.on_commit(lambda: new_generation(name))


def cache_get_current(key: str, names: tuple[str, ...]):
    """One round trip: the value stored under ``key`` by ``cache_set_current`` if it was stored
    under the current generations of ``names``, and those generations (``None`` when one is
    unknown or the cache unreachable: then store nothing)."""
    generation_keys = [_generation_key(name) for name in names]
    if not cache_available():
        return None, None
    try:
        found = cache.get_many([key, *generation_keys])
    except Exception as exc:
        cache_failed(f"get {key}", exc)
        return None, None
    current = tuple(found.get(k) for k in generation_keys)
    if None in current:
        return None, None
    stored = found.get(key)
    if stored is not None and stored[0] == current:
        return stored[1], current
    return None, current


def cache_set_current(key: str, generations: tuple, value, timeout: int) -> None:
    """Store ``value`` as drawn under ``generations`` (as returned by ``cache_get_current``
    before drawing: a change while drawing makes the entry stale at once)."""
    cache_set(key, (generations, value), timeout)

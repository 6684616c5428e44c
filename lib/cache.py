"""The cache as an optimisation only: when it is unreachable (Redis down) a read is a miss and
a write or delete is skipped, logged once per call, and the request goes on. Nothing that
must happen (a claim's change, a page) may fail because the cache is away."""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

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


def cache_delete_many(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:
        log.warning("cache unreachable: delete_many", exc_info=True)


def cache_set_many(values: dict, timeout: int) -> None:
    try:
        cache.set_many(values, timeout=timeout)
    except Exception:
        log.warning("cache unreachable: set_many", exc_info=True)


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
    try:
        found = cache.get_many(list(keys))
        for key in keys.keys() - found.keys():  # first use, or evicted: start one
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)
    except Exception:
        log.warning("cache unreachable: generations %s", names, exc_info=True)
        return dict.fromkeys(names)
    return {name: found.get(key) for key, name in keys.items()}


def cache_get_many(keys: list[str]) -> dict:
    try:
        return cache.get_many(keys)
    except Exception:
        log.warning("cache unreachable: get_many", exc_info=True)
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
    try:
        found = cache.get_many([key, *generation_keys])
    except Exception:
        log.warning("cache unreachable: get %s", key, exc_info=True)
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

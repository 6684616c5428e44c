"""A frozen Redis does not stall the portal (lib.cache): short client timeouts, a breaker that
skips the cache for a few seconds after a failure, and at most one traceback a minute.

The frozen Redis is real: a ``redis-server`` of the test's own, stopped with SIGSTOP (it
accepts connections but never answers, which is what a hung Redis does)."""

import logging
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from lib import breaker as breaker_module
from lib import cache as cache_module
from lib import ratelimit
from lib.cache import breaker_reset, cache_available, cache_get, cache_set
from lib.ratelimit import hit


class _Broken:
    """A cache whose every call fails (Redis refusing connections)."""

    calls = 0

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            type(self).calls += 1
            raise ConnectionError("refused")

        return fail


@pytest.fixture
def broken(monkeypatch):
    _Broken.calls = 0
    monkeypatch.setattr(cache_module, "cache", _Broken())
    yield
    breaker_reset()


def test_after_a_failure_the_cache_is_skipped_then_tried_again(broken, settings, monkeypatch):
    settings.CACHE_BREAKER_SECONDS = 5
    assert cache_get("a", "default") == "default"
    assert _Broken.calls == 1 and not cache_available()
    for _ in range(100):
        assert cache_get("a", "x") == "x"
        cache_set("a", 1, 10)
    assert _Broken.calls == 1  # skipped while the breaker is open
    clock = time.monotonic() + 6
    monkeypatch.setattr(breaker_module.time, "monotonic", lambda: clock)
    assert cache_available()
    cache_get("a")
    assert _Broken.calls == 2  # one call tries again


def test_a_traceback_at_most_once_a_minute(broken, settings, monkeypatch, caplog):
    settings.CACHE_BREAKER_SECONDS = 0  # every call tries (the worst case for the log)
    caplog.set_level(logging.WARNING, logger="lib.breaker")
    now = [1000.0]
    monkeypatch.setattr(breaker_module.time, "monotonic", lambda: now[0])
    for _ in range(50):
        cache_get("a")
        now[0] += 1
    records = [r for r in caplog.records if r.name == "lib.breaker"]
    assert len(records) == 50  # one line per failure
    assert sum(1 for r in records if r.exc_info) == 1
    now[0] += 60
    cache_get("a")
    last = [r for r in caplog.records if r.name == "lib.breaker"][-1]
    assert last.exc_info and "49 failures since the last traceback" in last.getMessage()


def test_the_rate_limit_lets_requests_through_while_the_breaker_is_open(broken, monkeypatch):
    monkeypatch.setattr(ratelimit, "default_cache", _Broken())
    assert hit("comment", "user:1") is None
    assert hit("comment", "user:1") is None
    assert _Broken.calls == 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def frozen_redis(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield process, f"redis://127.0.0.1:{port}/0"
    finally:
        os.kill(process.pid, signal.SIGCONT)
        process.terminate()
        process.wait(timeout=10)


def test_a_frozen_redis_costs_one_short_timeout_then_nothing(frozen_redis, caplog):
    process, url = frozen_redis
    config = {
        "default": {
            "BACKEND": "lib.redis_cache.ReusingRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    with override_settings(CACHES=config, CACHE_BREAKER_SECONDS=5):
        monkey = caches["default"]
        original = cache_module.cache
        cache_module.cache = monkey
        try:
            cache_set("k", "v", 60)
            assert cache_get("k") == "v"
            os.kill(process.pid, signal.SIGSTOP)  # hung: accepts, never answers
            start = time.monotonic()
            for _ in range(200):  # 200 page-like cache reads during the freeze
                assert cache_get("k", "miss") == "miss"
            elapsed = time.monotonic() - start
        finally:
            cache_module.cache = original
    assert elapsed < 1.0, f"200 cache reads took {elapsed:.2f} s against a frozen Redis"
    assert sum(1 for r in caplog.records if r.name == "lib.breaker" and r.exc_info) <= 1

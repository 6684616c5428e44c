"""Operators' view of faults: failure counters in the metrics (lib.metrics, /metrics), one
traceback a minute for an outage (lib.log), and the broker's breaker (a web request asks the
broker once, with a short timeout, then skips it for a few seconds)."""

import logging
import socket
import sys
import threading
import time

import pytest
from django.db import OperationalError
from django.urls import reverse

from cpor_portal.celery import app
from lib import breaker as breaker_module
from lib import metrics
from lib.cache import cache_failed
from lib.log import OutageTracebacks
from notifications.services import request_outbox_flush
from tests.helpers import login


def _failures(dependency: str) -> float:
    return metrics.DEPENDENCY_FAILURES.labels(dependency=dependency)._value.get()


def test_a_cache_failure_is_counted():
    before = _failures("cache")
    cache_failed("get x", ConnectionError("refused"))
    assert _failures("cache") == before + 1


@pytest.mark.django_db
def test_metrics_for_staff_and_for_a_scraper_with_the_token(client, settings, superuser, reviewer1):
    settings.METRICS_TOKEN = "s3cret-token"
    cache_failed("get x", ConnectionError("refused"))
    url = reverse("metrics")
    assert client.get(url).status_code == 302  # anonymous: sign in
    assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 302
    scraped = client.get(url, headers={"Authorization": "Bearer s3cret-token"})
    assert scraped.status_code == 200 and scraped["Content-Type"].startswith("text/plain")
    text = scraped.content.decode()
    for dependency in metrics.DEPENDENCIES:
        assert f'cpor_dependency_failures_total{{dependency="{dependency}"}}' in text
    assert login(client, reviewer1).get(url).status_code == 403  # signed in, not staff
    assert login(client, superuser).get(url).status_code == 200


@pytest.mark.django_db
def test_without_a_token_no_bearer_is_accepted(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get(reverse("metrics"), headers={"Authorization": "Bearer "}).status_code == 302


def _record(exc):
    try:
        raise exc
    except Exception:
        info = sys.exc_info()
    return logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/",), info)


def test_an_outage_logs_one_traceback_a_minute(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("lib.log.time.monotonic", lambda: now[0])
    outage = OutageTracebacks()
    records = []
    for _ in range(200):  # 200 failing requests in 20 s
        record = _record(OperationalError("connection refused"))
        assert outage.filter(record)  # every failure still logs its line
        records.append(record)
        now[0] += 0.1
    assert sum(1 for r in records if r.exc_info) == 1
    assert "database unavailable (OperationalError: connection refused)" in records[1].getMessage()
    now[0] += 60
    later = _record(OperationalError("connection refused"))
    outage.filter(later)
    assert later.exc_info and "199 more database failures since the last traceback" in later.getMessage()


def test_a_bug_keeps_every_traceback():
    outage = OutageTracebacks()
    records = [_record(ValueError("a bug")) for _ in range(5)]
    assert all(outage.filter(r) and r.exc_info for r in records)


@pytest.fixture
def frozen_broker(settings):
    """A broker that accepts the connection and never answers (as a frozen Redis does)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    app.conf.task_always_eager = False
    app._pool = None
    settings.BROKER_PUBLISH_TIMEOUT = 0.3
    settings.BROKER_BREAKER_SECONDS = 5
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    app._pool = None
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    listener.close()
    breaker_module.reset_all()


def test_a_frozen_broker_costs_one_short_wait_then_nothing(frozen_broker, monkeypatch):
    before = _failures("broker")
    started = time.monotonic()
    assert request_outbox_flush() is False
    first = time.monotonic() - started
    started = time.monotonic()
    for _ in range(20):
        assert request_outbox_flush() is False  # the breaker is open: not even tried
    rest = time.monotonic() - started
    assert first < 2.0, first  # the publish timeout (0.3 s per attempt), not redis-py's 5 s or kombu's retries
    assert rest < 0.1, rest
    assert _failures("broker") == before + 1

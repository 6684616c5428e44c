"""Logs that stay readable while a dependency is down (docs/operations.md, "Faults").

With the database away every request fails the same way, and Django logs each with its full
traceback (``django.request``): 1,600 tracebacks in 15 s. ``OutageTracebacks`` keeps the first
traceback of each kind of outage, then one a minute per process, and turns the rest into one
line each (with the count since the last traceback on the next one). Any other error keeps its
traceback."""

import logging
import threading
import time

from django.db import InterfaceError, OperationalError

TRACEBACK_EVERY_S = 60.0


def outage_kind(exc) -> str | None:
    """``"database"`` when ``exc`` (or what caused it) says the database is unreachable or went
    away; else None (a bug, which keeps its traceback)."""
    while exc is not None:
        if isinstance(exc, (OperationalError, InterfaceError)):
            return "database"
        exc = exc.__cause__ or exc.__context__
    return None


class OutageTracebacks(logging.Filter):
    def __init__(self, name: str = ""):
        super().__init__(name)
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._unreported: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        kind = outage_kind(exc)
        if kind is None:
            return True
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(kind, -TRACEBACK_EVERY_S) >= TRACEBACK_EVERY_S:
                self._last[kind] = now
                since = self._unreported.pop(kind, 0)
                if since:
                    record.msg = f"{record.msg} ({since} more {kind} failures since the last traceback)"
                return True
            self._unreported[kind] = self._unreported.get(kind, 0) + 1
        record.msg = f"{record.msg}: {kind} unavailable ({type(exc).__name__}: {str(exc).strip()[:200]})"
        record.exc_info = None
        record.exc_text = None
        return True

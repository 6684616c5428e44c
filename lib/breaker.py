"""Circuit breakers for the dependencies a request may not wait on (the cache, the broker): after
a failure the dependency is skipped for a few seconds, so the requests meanwhile do not wait at
all; then one call tries again. Logs stay readable during an outage: one line per failure and a
traceback at most once a minute per process and dependency (with the count since the last one).
Each failure is counted in the metrics (``cpor_dependency_failures_total``).
See docs/operations.md, "Faults"."""

import logging
import threading
import time

from lib import metrics

log = logging.getLogger(__name__)

TRACEBACK_EVERY_S = 60.0
_all: list["Breaker"] = []


class Breaker:
    def __init__(self, dependency: str, pause_seconds):
        """``pause_seconds``: a number, or a callable returning it (read at each failure, so
        tests and settings overrides apply)."""
        self.dependency = dependency
        self._pause = pause_seconds if callable(pause_seconds) else (lambda: pause_seconds)
        self._lock = threading.Lock()
        self.reset()
        _all.append(self)

    def available(self) -> bool:
        """False while the breaker is open (a recent failure): callers skip the dependency."""
        return time.monotonic() >= self._open_until

    def failed(self, operation: str, exc: BaseException) -> None:
        """Record a failed call: open the breaker, count it, log it."""
        now = time.monotonic()
        pause = float(self._pause())
        with self._lock:
            self._open_until = now + pause
            with_traceback = now - self._last_traceback >= TRACEBACK_EVERY_S
            if with_traceback:
                self._last_traceback, since, self._unreported = now, self._unreported, 0
            else:
                self._unreported += 1
        metrics.dependency_failed(self.dependency)
        message = "%s unreachable: %s (%s); skipping it for %.0f s"
        args = [self.dependency, operation, type(exc).__name__, pause]
        if with_traceback:
            log.warning(message + "; %d failures since the last traceback", *args, since, exc_info=exc)
        else:
            log.warning(message, *args)

    def reset(self) -> None:
        """Close the breaker (tests; a process that knows the dependency is back)."""
        with self._lock:
            self._open_until = 0.0
            self._last_traceback = -TRACEBACK_EVERY_S
            self._unreported = 0


def reset_all() -> None:
    """Close every breaker of this process (between tests)."""
    for breaker in _all:
        breaker.reset()

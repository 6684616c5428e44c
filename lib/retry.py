"""A bounded retry of a whole transaction that PostgreSQL aborted for a deadlock (``40P01``) or
a serialization failure (``40001``).

Such an abort is not the user's fault and nothing of it was committed, so running the same
use case again is the right answer: up to ``attempts`` times, after a short randomised pause
(jitter, so the two losers of a deadlock do not meet again in step). Only around a function
that opens the outermost transaction: inside a caller's transaction the abort belongs to the
caller (its earlier writes are gone too), so there the error is passed up and the caller, which
opened the transaction, retries. A function that writes outside the database (moves a file, calls
a service) must not be wrapped. docs/architecture.md, "Concurrency".
"""

import functools
import logging
import random
import time

from django.db import OperationalError, connection

logger = logging.getLogger("cpor.retry")

RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
ATTEMPTS = 3
BASE_DELAY_S = 0.02


def is_retryable(exc: BaseException) -> bool:
    """A deadlock or serialization failure, however Django wrapped the driver's error."""
    while exc is not None:
        if getattr(exc, "sqlstate", None) in RETRYABLE_SQLSTATES or getattr(exc, "pgcode", None) in RETRYABLE_SQLSTATES:
            return True
        exc = exc.__cause__
    return False


def retry_on_conflict(func=None, *, attempts: int = ATTEMPTS, base_delay: float = BASE_DELAY_S):
    """Decorate a function whose body is one transaction (put it above ``@transaction.atomic``)."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if connection.in_atomic_block:  # the caller's transaction: the caller retries
                return fn(*args, **kwargs)
            for attempt in range(1, attempts + 1):
                try:
                    return fn(*args, **kwargs)
                except OperationalError as exc:
                    if attempt == attempts or not is_retryable(exc):
                        raise
                    logger.warning(
                        "%s: %s, attempt %d of %d, retrying",
                        fn.__qualname__,
                        type(exc.__cause__).__name__,
                        attempt,
                        attempts,
                    )
                    time.sleep(base_delay * 2 ** (attempt - 1) * (1 + random.random()))
            raise AssertionError("unreachable")

        return wrapper

    return decorate(func) if func is not None else decorate

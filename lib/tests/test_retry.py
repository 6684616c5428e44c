"""lib.retry: a deadlock or serialization failure re-runs the whole transaction a bounded number
of times; anything else, or inside a caller's transaction, is passed up at once. (The real race
is arbitration/tests/test_lock_order.py, on PostgreSQL.)"""

import pytest
from django.db import OperationalError

from lib import retry


class _DriverError(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _wrapped(sqlstate):
    error = OperationalError("aborted")
    error.__cause__ = _DriverError(sqlstate)
    return error


@pytest.fixture(autouse=True)
def _no_pause(monkeypatch):
    monkeypatch.setattr(retry.time, "sleep", lambda _s: None)


def _flaky(failures, sqlstate="40P01"):
    calls = []

    @retry.retry_on_conflict
    def work():
        calls.append(1)
        if len(calls) <= failures:
            raise _wrapped(sqlstate)
        return "done"

    return work, calls


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_deadlock_or_serialization_failure_is_retried(sqlstate):
    work, calls = _flaky(2, sqlstate)
    assert work() == "done"
    assert len(calls) == 3


def test_the_retry_is_bounded():
    work, calls = _flaky(5)
    with pytest.raises(OperationalError):
        work()
    assert len(calls) == retry.ATTEMPTS


def test_other_database_errors_are_not_retried():
    work, calls = _flaky(1, sqlstate="08006")  # connection failure
    with pytest.raises(OperationalError):
        work()
    assert len(calls) == 1


class _InTransaction:
    in_atomic_block = True


def test_inside_a_callers_transaction_the_caller_retries(monkeypatch):
    monkeypatch.setattr(retry, "connection", _InTransaction())  # never the real connection's state
    work, calls = _flaky(1)
    with pytest.raises(OperationalError):
        work()
    assert len(calls) == 1

"""Metrics for operators, in Prometheus' text format (``/metrics``, staff or a bearer token;
docs/operations.md, "Metrics").

Under gunicorn and Celery each process counts for itself; with ``PROMETHEUS_MULTIPROC_DIR`` set
(the deploy configuration sets it) the processes write their counts to files in that directory
and ``/metrics`` adds them up, so whichever worker answers, the figures are the whole node's.
Without it (``make run``, tests) the counts are the one process's."""

import os

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client import multiprocess as _multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST

DEPENDENCIES = ("cache", "broker", "database", "smtp")

DEPENDENCY_FAILURES = Counter(
    "cpor_dependency_failures",
    "Calls to a dependency that failed (refused, timed out, or went away mid-call).",
    ["dependency"],
)
for _name in DEPENDENCIES:  # every series present from the start, at 0
    DEPENDENCY_FAILURES.labels(dependency=_name)

CONTENT_TYPE = CONTENT_TYPE_LATEST


def dependency_failed(dependency: str) -> None:
    DEPENDENCY_FAILURES.labels(dependency=dependency).inc()


def exposition() -> bytes:
    """The current figures (all processes of this node in multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()


def process_exited(pid: int) -> None:
    """gunicorn's ``child_exit`` hook: forget a dead worker's live gauges (counters stay)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        _multiprocess.mark_process_dead(pid)

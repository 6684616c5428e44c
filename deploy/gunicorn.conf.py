"""gunicorn for the portal, behind nginx (deploy/nginx.conf.template); docs/operations.md.

``gthread``: each worker process serves ``GUNICORN_THREADS`` requests at once, so a request
waiting on the database or a PoE file being written does not hold a whole process. nginx
buffers request bodies, so a slow upload reaches gunicorn only when it is complete: no worker
ever waits on a client. Chosen from measurement (docs/operations.md, "Web workers"): on this
2-core machine 2 processes × 4 threads served the mixed load with the lowest p95.

Every value can be overridden from the environment: ``WEB_BIND``, ``WEB_CONCURRENCY``,
``GUNICORN_THREADS``, ``GUNICORN_TIMEOUT``, ``DATABASE_STATEMENT_TIMEOUT_MS``.
"""

import os

from lib.metrics import process_exited  # prometheus_client only: the master never loads Django

bind = os.environ.get("WEB_BIND", "127.0.0.1:8001")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")  # "sync" only to compare
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A worker that has not reported in this long (stuck in C code, a runaway loop) is killed and
# replaced; nginx gives up on the request at 60 s (proxy_read_timeout).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 25
keepalive = 5  # nginx keeps idle connections to us (upstream keepalive)
# Recycle workers now and then, so a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(L)ss %({x-request-id}i)s'

# Web requests only: a statement running longer than this is cancelled (cpor_portal/settings.py).
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_MS", "15000")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpor_portal.settings")


def child_exit(server, worker):
    """A worker went away: its live gauges leave the metrics (its counters stay counted)."""
    process_exited(worker.pid)

"""Settings for the test suite: the normal settings, with faster password hashing and
in-memory e-mail. The database and Redis still come from ``DATABASE_URL`` / ``REDIS_URL``."""

import os

os.environ.setdefault("DJANGO_ENV", "test")

from cpor_portal.settings import *  # noqa: E402,F403
from cpor_portal.settings import VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["poe"]["OPTIONS"]["location"] = str(VAR_DIR / "test-poe")  # noqa: F405
AXES_ENABLED = True
# The rate limits stay out of the suite's way (a test may post many comments in a row); their
# own tests (tests/security/test_rate_limits.py) set low ones. The windows stay as configured.
RATE_LIMITS = {scope: (1_000_000, seconds) for scope, (_requests, seconds) in RATE_LIMITS.items()}  # noqa: F405
# The queue's page cache is off for the suite: a test reads exactly what it wrote, however it
# wrote it. Its own tests (review/tests/test_queue_cache.py), the browser journeys and the load
# test turn it on, as production has it.
QUEUE_CACHE_SECONDS = int(os.environ.get("QUEUE_CACHE_SECONDS") or 0)
DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS") or 0)

# Under pytest-xdist (``pytest -n 2``) each worker has its own test database; give each its own
# Redis database for the cache too, so one worker's cache.clear() and generations never reach
# another's pages: worker gwN uses the configured database + N + 1 (Redis has 16: 0-15).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and _worker[2:].isdigit() and CACHES["default"].get("LOCATION", "").startswith("redis"):  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _url = urlsplit(CACHES["default"]["LOCATION"])  # noqa: F405
    _db = (int(_url.path.strip("/") or 0) + int(_worker[2:]) + 1) % 16
    CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{_db}"))  # noqa: F405

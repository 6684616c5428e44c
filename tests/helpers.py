"""Helpers for tests (not fixtures): import them, ``from tests.helpers import login``."""

import os
import threading
import time
import urllib.request

import pytest
from django.db import close_old_connections, connection

from claims.models import Claim


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def needs_service(env_var: str, what: str) -> str:
    """The URL of a real service a test needs. Skips with a clear reason when the variable is
    unset — except on CI (``CPOR_REQUIRE_SERVICES=1``), where a missing service fails."""
    value = os.environ.get(env_var)
    if not value:
        if os.environ.get("CPOR_REQUIRE_SERVICES"):
            pytest.fail(f"{env_var} is not set but CPOR_REQUIRE_SERVICES=1: {what} is required here")
        pytest.skip(f"{env_var} is not set: this test needs {what}")
    return value


def claim_form_data(subscription, mpn, product, **extra) -> dict:
    """A complete, valid POST of the claim form (Business Applications presales on
    ``subscription``), submitting unless ``action`` says otherwise; ``extra`` overrides fields."""
    return {
        "name": "Customer Dynamics 365 Sales pilot",
        "mpn": mpn.pk,
        "customer_tenant_id": str(subscription.tenant.tenant_id),
        "customer_domain": subscription.tenant.domains.first().domain,
        "solution_area": "business_applications",
        "activity": "presales",
        "products": [product.pk],
        "subscription_ref": str(subscription.subscription_id),
        "customer_contact_name": "Ada Customer",
        "customer_contact_title": "CIO",
        "customer_contact_email": "ada@customer.example",
        "partner_contact_name": "Per Partner",
        "partner_contact_email": "per@partner.example",
        "description": "Ran the pilot.",
        "action": "submit",
        **extra,
    }


def current_version(claim) -> int:
    """The claim's version as stored now: what a freshly loaded page's forms carry (every
    partner write form posts it; a form without one is refused as stale)."""
    return Claim.objects.values_list("version", flat=True).get(pk=claim.pk)


def wait_until_healthy(process, port: int, log, *, seconds: float = 30, pause: float = 0.2) -> None:
    """Wait for a server started by a test (``process``, a ``Popen``) to answer ``/healthz`` on
    ``port``; fail with its log if it exits first or does not answer in ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            pass
        assert process.poll() is None, f"gunicorn exited:\n{log.read_text() if log.exists() else ''}"
        assert time.monotonic() < deadline, f"gunicorn did not answer /healthz within {seconds:g} s"
        time.sleep(pause)


def run_together(*jobs, delays=None, timeout: float = 120):
    """Each job in its own thread (its own database connection), released at the same moment
    (job ``i`` then waits ``delays[i]`` seconds, if given); their results or the exceptions
    they raised, in order. For the race tests on PostgreSQL."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)
    pauses = list(delays) if delays is not None else [0] * len(jobs)

    def runner(i, job):
        try:
            barrier.wait(timeout=10)
            if pauses[i]:
                time.sleep(pauses[i])
            results[i] = job()
        except Exception as exc:  # judged by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    close_old_connections()
    return results

"""Helpers for tests (not fixtures): import them, ``from tests.helpers import login``."""

import os

import pytest


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
